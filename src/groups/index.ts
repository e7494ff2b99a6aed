/** The groups feature's public entry: what other features use of it. */
export { producersOf } from './groups.ts';
