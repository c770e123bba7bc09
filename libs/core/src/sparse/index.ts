// Public API of sparse/ (filled in by its module).
export {};
