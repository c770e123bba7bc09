// Public API of similarity/ (filled in by its module).
export {};
