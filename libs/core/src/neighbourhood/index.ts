export type { InteractionGraph, NeighbourBlock } from './interaction-graph';
export { interactionGraph } from './interaction-graph';
export type { Rp3betaOptions } from './rp3beta';
export { RP3BETA_DEFAULTS, rp3betaNeighbours, rp3betaRows, scoreByNeighbours } from './rp3beta';
export type { SimilarUsersBlock } from './user-cosine';
export { similarUsersRows } from './user-cosine';
