// Public API of factorization/ (filled in by its module).
export {};
