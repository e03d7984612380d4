/**
 * Secrets out of text a person is shown (Peek's pane tail, quoted agent output): what a
 * screen may hold by accident — tokens, keys, passwords — is replaced by `[redacted]`,
 * keeping a known prefix (`xoxb-[redacted]`) or the name (`password=[redacted]`) so a
 * reader still sees what was there. Heuristic: it errs on the side of hiding.
 */

export const REDACTED = '[redacted]';

interface Rule {
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

/** A private key block, from BEGIN to END (or to the end of the text when cut). */
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/** Tokens with a well-known prefix: Slack, OpenAI/Anthropic, GitHub, GitLab, AWS, Google, Stripe, npm. */
const PREFIXED =
  /\b(xox[abposr]-|xapp-|sk-(?:ant-|proj-)?|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|AKIA|ASIA|AIza|sk_live_|rk_live_|npm_)[A-Za-z0-9_\-.=]{8,}/g;

/** `Authorization: Bearer …`, `Basic …`, `token …` headers. */
const AUTH_HEADER = /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9_\-.~+/=]{8,}/gi;

/** A JSON Web Token (three base64url parts, the first a JSON header). */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;

/** A password in a URL: `scheme://user:password@host`. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

/**
 * `name=value`, `name: value`, `"name": "value"` where the name ends in a word that says
 * secret (password, token, secret, api key, private key, credentials, auth; `_key` may
 * follow). Numbers and booleans alone (`auth: true`) stay; `Author:` is not `auth`.
 */
const KEY_VALUE =
  /(\b[\w.-]*?(?:passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|auth)(?:[_-]?(?:key|value))?["']?\s*[=:]\s*)("[^"\n]*"|'[^'\n]*'|[^\s,;'")\]}]+)/gi;

/** Hex of 32+ characters (API keys, session ids, hashes of secrets). */
const LONG_HEX = /\b[0-9a-f]{32,}\b/gi;

/** A base64-ish run of 40+ characters mixing upper case, lower case and digits. */
const LONG_BASE64 = /[A-Za-z0-9+/_-]{40,}={0,2}/g;

const RULES: readonly Rule[] = [
  { pattern: PRIVATE_KEY, replace: () => `-----BEGIN PRIVATE KEY----- ${REDACTED}` },
  { pattern: PREFIXED, replace: (_m, prefix) => `${prefix}${REDACTED}` },
  { pattern: AUTH_HEADER, replace: (_m, scheme, space) => `${scheme}${space}${REDACTED}` },
  { pattern: JWT, replace: () => REDACTED },
  { pattern: URL_PASSWORD, replace: (_m, head, _password, at) => `${head}${REDACTED}${at}` },
  { pattern: KEY_VALUE, replace: keyValue },
  { pattern: LONG_HEX, replace: (m) => (/[0-9]/.test(m) && /[a-f]/i.test(m) ? REDACTED : m) },
  { pattern: LONG_BASE64, replace: (m) => (looksRandom(m) ? REDACTED : m) },
];

export function redactSecrets(text: string): string {
  return RULES.reduce((out, rule) => out.replace(rule.pattern, rule.replace), text);
}

function keyValue(_match: string, head: string, value: string): string {
  const bare = value.replace(/^["']|["']$/g, '');
  if (
    bare === '' ||
    bare.includes(REDACTED) ||
    /^[\d.,kKmM]+$/.test(bare) ||
    /^(true|false|null|bearer|basic|token)$/i.test(bare)
  )
    return `${head}${value}`;
  const quote = /^["']/.test(value) ? value[0]! : '';
  return `${head}${quote}${REDACTED}${quote}`;
}

/**
 * Upper case, lower case and digits all present, and the kind of character changing
 * often (random base64 changes on about two characters in three; a CamelCase name or a
 * path on a few).
 */
function looksRandom(run: string): boolean {
  if (!/[A-Z]/.test(run) || !/[a-z]/.test(run) || !/[0-9]/.test(run)) return false;
  const kind = (c: string): number => (/[A-Z]/.test(c) ? 0 : /[a-z]/.test(c) ? 1 : /[0-9]/.test(c) ? 2 : 3);
  let changes = 0;
  for (let i = 1; i < run.length; i += 1) if (kind(run[i]!) !== kind(run[i - 1]!)) changes += 1;
  return changes >= run.length * 0.3;
}
