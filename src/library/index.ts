/** The library's public entry: what other features use of it. */
export { decodeEntities } from './hugo.ts';
export { HEADLINE, plainSql, type SearchHit, type SearchQuery, type SearchSource, type SearchResult } from './search.ts';
