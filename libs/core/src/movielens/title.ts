/** Splits a MovieLens title `Toy Story (1995)` into title and year. */
export function splitTitle(raw: string): { title: string; year: number | null } {
  const m = /^([\s\S]*?)\s*\((\d{4})\)\s*$/.exec(raw);
  if (m === null || m[1] === '') return { title: raw.trim(), year: null };
  return { title: m[1], year: Number(m[2]) };
}

/** Joins title and year back into the MovieLens form `Title (YYYY)`. */
export function joinTitle(title: string, year: number | null): string {
  return year === null ? title : `${title} (${year})`;
}
