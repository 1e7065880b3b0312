/**
 * Keys of a shared key-value store as JetStream key-value keys. A bucket key is a NATS subject
 * (dot-separated tokens of `A-Za-z0-9_=/-`), but a store key may hold other characters (`:` in
 * context keys, anything in a group name) or empty tokens. Each token is escaped on its own, so
 * that the dots, and with them the server's filtering by token, stay: `=` and every character
 * outside the set become `=XX` (UTF-8 bytes in hex); an empty token becomes a lone `=`.
 */

const PLAIN = /^[A-Za-z0-9_/-]$/;

/** The bucket key of a store key (any string). */
export function encodeKey(key: string): string {
  return key.split('.').map(encodeToken).join('.');
}

/** The store key of a bucket key written by {@link encodeKey}. */
export function decodeKey(encoded: string): string {
  return encoded.split('.').map(decodeToken).join('.');
}

/**
 * The subject filter (below the bucket's subject) that takes in every key starting with
 * `prefix`: the whole tokens before its last dot, then `>`. The caller still compares the
 * decoded keys with `prefix` (a filter cannot cut a token).
 */
export function filterFor(prefix: string): string {
  const dot = prefix.lastIndexOf('.');
  return dot < 0 ? '>' : `${encodeKey(prefix.slice(0, dot))}.>`;
}

function encodeToken(token: string): string {
  if (token === '') return '=';
  let out = '';
  for (const ch of token) {
    if (PLAIN.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeToken(token: string): string {
  if (token === '=') return '';
  if (!token.includes('=')) return token;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; ) {
    if (token[i] === '=') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(token.charCodeAt(i));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
