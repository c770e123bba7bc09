import type { SelectionInfo } from '@movielens/compute';
import { formatTable, type Column } from '../table';

type GridRow = SelectionInfo['grid'][number];

/** `k=25`, `rp3Alpha=0.75 rp3Beta=0.6`. */
function paramsText(params: Readonly<Record<string, number>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

const score = (x: number | null) => (x === null ? '-' : x.toFixed(4));

/** Columns of the selection grid: one row per kind and grid point, the winner marked. */
function gridColumns(winner: SelectionInfo['winner']): Column<GridRow>[] {
  const won = (g: GridRow) => winner !== null && g.kind === winner.kind && paramsText(g.params) === paramsText(winner.params);
  return [
    { header: '', cell: (g) => (won(g) ? '*' : '') },
    { header: 'kind', cell: (g) => g.kind },
    { header: 'params', cell: (g) => paramsText(g.params) },
    { header: 'ndcg@10', align: 'right', cell: (g) => score(g.ndcg) },
    { header: 'precision@10', align: 'right', cell: (g) => score(g.precision) },
    { header: 'fit+score', align: 'right', cell: (g) => `${(g.ms / 1000).toFixed(1)} s` },
  ];
}

/** The best-scoring grid point of each kind (unscored points last), in the order the kinds first appear. */
function bestPerKind(grid: readonly GridRow[]): GridRow[] {
  const best = new Map<string, GridRow>();
  for (const g of grid) {
    const seen = best.get(g.kind);
    if (seen === undefined || (g.ndcg !== null && (seen.ndcg === null || g.ndcg > seen.ndcg))) best.set(g.kind, g);
  }
  return [...best.values()];
}

/**
 * What `movielens status` shows of the served set's model selection: the winner (served as the
 * default recommendations), the split it was chosen on, then the grid: each kind's best point
 * with how many it tried, or with `full` every point with its score.
 */
export function selectionLines(info: SelectionInfo, options: { full?: boolean } = {}): string[] {
  const w = info.winner;
  const head =
    w === null
      ? 'selection no winner: no ranking kind scored on the validation split'
      : `selection ${w.algorithm} (kind ${w.kind}${Object.keys(w.params).length > 0 ? `, ${paramsText(w.params)}` : ''}), ${info.metric} ${w.ndcg.toFixed(4)}: the default recommendations`;
  const split = `          on ${info.split.rule}: ${info.split.heldOutRatings} held out, ${info.split.trainRatings} to fit`;
  if (options.full === true) return [head, split, ...formatTable(gridColumns(w), info.grid)];
  const tried = (kind: string) => info.grid.filter((g) => g.kind === kind).length;
  const rows = bestPerKind(info.grid);
  const columns = gridColumns(w);
  columns.splice(3, 0, { header: 'best of', align: 'right', cell: (g) => String(tried(g.kind)) });
  const more = rows.length < info.grid.length ? [`          each kind's best of ${info.grid.length} grid points; \`movielens status --grid\` lists every one`] : [];
  return [head, split, ...formatTable(columns, rows), ...more];
}
