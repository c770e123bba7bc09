// Public API of linalg/ (filled in by its module).
export {};
