// Public API of sequence/: the next-movie LSTM (training, weights, inference).
export { lstmLayout, RATING_LEVELS, ratingLevel } from './layout';
export type { LstmLayout, LstmShape } from './layout';
export { initLstmWeights, LSTM_FORMATS, serializeLstm, deserializeLstm } from './model';
export type { LstmHeader, LstmModel, SerializedLstm } from './model';
export { DRIVER_CANDIDATES, LstmPredictor, SESSION_MAX_STEPS, topK } from './predictor';
export type { DriverStep, NextMovies } from './predictor';
export { buildUserSequences } from './sequences';
export type { UserSequences } from './sequences';
export { PopularitySampler } from './sampler';
export { LSTM_WIDE_MAX_RATINGS, lstmCapacity, trainLstm } from './train';
export type { LstmCapacity, LstmTrainOptions } from './train';
export { computeUserStates } from './user-states';
export type { LstmUserStates } from './user-states';
export { LstmCell } from './lstm-cell';
