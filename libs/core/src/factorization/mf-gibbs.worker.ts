// Entry of a helper thread of the MF Gibbs sampler (mf-gibbs-pool.ts): draws rows of every
// half-sweep the training thread opens, until it finishes; then the thread ends.
import { workerData } from 'node:worker_threads';
import { helpMfGibbs, type MfGibbsShare } from './mf-gibbs-pool';

helpMfGibbs(workerData as MfGibbsShare);
