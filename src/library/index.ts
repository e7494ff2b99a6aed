/** The library feature's public entry: what other features use of it. */
export { convertShortcodes, decodeEntities } from './hugo.ts';
export { renderLibraryMarkdown } from './render.ts';
export { slugFromTitle } from './route-kit.ts';
export { HEADLINE, plainSql, type SearchHit, type SearchQuery, type SearchResult, type SearchSource } from './search.ts';
