// punycode.js (RFC 3492) ships no types; only what address.ts uses.
declare module 'punycode.js' {
  const punycode: { decode(input: string): string; encode(input: string): string };
  export default punycode;
}
