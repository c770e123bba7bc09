/** The path and query schemas several routers share; declared with the route contracts (libs/contracts). */
export { idParams, kQuery } from '@movielens/contracts';
