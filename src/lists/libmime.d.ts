// libmime ships no types; only what authenticate.ts uses.
declare module 'libmime' {
  const libmime: { foldLines(text: string, lineLength: number): string };
  export default libmime;
}
