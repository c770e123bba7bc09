// Public API of analytics/ (filled in by its module).
export {};
