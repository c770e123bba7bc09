// Public API of evaluation/ (filled in by its module).
export {};
