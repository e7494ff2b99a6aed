// Which Node.js socialgov runs on. Supported: the LTS lines 22, 24 and 26. Node 20 (end of life
// since 2026-04-30) still runs from 20.19 on, with a warning; anything older cannot load the web
// framework's ES-module dependencies and is refused with what to do.
export const SUPPORTED = [22, 24, 26];

/** What to say about this Node version: null when supported, else { refuse, message }. */
export function nodeVerdict(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  if (SUPPORTED.includes(major)) return null;
  const install = `Install Node.js ${SUPPORTED.join(', ')} (LTS) from https://nodejs.org/ or your package manager.`;
  if (major < 20 || (major === 20 && minor < 19)) {
    return { refuse: true, message: `socialgov needs Node.js 22, 24 or 26; this is ${version}, which cannot run it. ${install}` };
  }
  if (major === 20) {
    return {
      refuse: false,
      message: `warning: Node.js 20 reached end of life on 2026-04-30 and gets no security fixes; socialgov still runs on it but supports only 22, 24 and 26. ${install}`,
    };
  }
  return {
    refuse: false,
    message: `warning: Node.js ${version} is not a version socialgov is tested on (${SUPPORTED.join(', ')}); if something fails, try one of those.`,
  };
}

export function checkNode() {
  const verdict = nodeVerdict();
  if (!verdict) return;
  process.stderr.write(`${verdict.message}\n`);
  if (verdict.refuse) process.exit(1);
}
