// Public API of synthetic/ (filled in by its module).
export {};
