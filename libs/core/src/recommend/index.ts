// Public API of recommend/ (filled in by its module).
export {};
