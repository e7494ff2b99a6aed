/** The registry feature's public entry: what other features use of it. */
export { isReviewer } from './access.ts';
