import { defaultKinds } from './kinds/registry';

/** Progress stages of a rebuild with the default kinds, in order: `plan`, each kind's stages, `publish`. */
export const REBUILD_STAGES: readonly string[] = defaultKinds.stages;
