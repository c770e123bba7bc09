import { describe, expect, it } from 'vitest';
import { formatTable } from './table';

describe('formatTable', () => {
  const columns = [
    { header: 'score', align: 'right' as const, cell: (r: { score: number; id: number; title: string }) => r.score.toFixed(3) },
    { header: 'movie id', align: 'right' as const, cell: (r: { id: number }) => String(r.id) },
    { header: 'title', cell: (r: { title: string }) => r.title },
  ];

  it('prints a header and right-aligns number columns so ids of any width line up (issue 16: `0.803  201  3851`)', () => {
    const lines = formatTable(columns, [
      { score: 0.803, id: 201, title: 'Lost Dream, The' },
      { score: 0.79, id: 3851, title: 'Iron Heart' },
    ]);
    expect(lines).toEqual([
      '  score  movie id  title',
      '  0.803       201  Lost Dream, The',
      '  0.790      3851  Iron Heart',
    ]);
  });

  it('leaves no trailing spaces and widens a column to its longest cell', () => {
    const lines = formatTable([{ header: 'g', cell: (r: string) => r }, { header: 'n', align: 'right', cell: () => '1' }], ['Documentary', 'War'], '');
    expect(lines).toEqual(['g            n', 'Documentary  1', 'War          1']);
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });
});
