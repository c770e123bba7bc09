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

/**
 * What `movielens status` shows of the served set's model selection: the winner (served as the
 * default recommendations), the split it was chosen on, then the grid with every score.
 */
export function selectionLines(info: SelectionInfo): string[] {
  const w = info.winner;
  const head =
    w === null
      ? 'selection no winner: no ranking kind scored on the validation split'
      : `selection ${w.algorithm} (kind ${w.kind}${Object.keys(w.params).length > 0 ? `, ${paramsText(w.params)}` : ''}), ${info.metric} ${w.ndcg.toFixed(4)}: the default recommendations`;
  return [head, `          on ${info.split.rule}: ${info.split.heldOutRatings} held out, ${info.split.trainRatings} to fit`, ...formatTable(gridColumns(w), info.grid)];
}
