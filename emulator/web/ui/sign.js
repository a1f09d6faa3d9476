// ACS3-HMAC-SHA256 request signing, as the official SDK signs, in plain JavaScript.
// SHA-256 and HMAC-SHA256 are implemented here: crypto.subtle exists only in secure contexts
// (https or localhost), and a page served from http://<host-ip>:8080 is not one.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const rotr = (x, n) => (x >>> n) | (x << (32 - n));
const utf8 = (s) => new TextEncoder().encode(s);

/** SHA-256 of bytes (Uint8Array or string, UTF-8), as 32 bytes. */
export function sha256(input) {
  const bytes = typeof input === "string" ? utf8(input) : input;
  const n = bytes.length;
  const padded = new Uint8Array(((n + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[n] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(n / 0x20000000)); // bit length, high word
  view.setUint32(padded.length - 4, (n << 3) >>> 0); // bit length, low word
  const h = H0.slice();
  const w = new Uint32Array(64);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15], b = w[i - 2];
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    [a, b, c, d, e, f, g, k].forEach((x, i) => { h[i] = (h[i] + x) | 0; });
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  h.forEach((x, i) => ov.setUint32(4 * i, x >>> 0));
  return out;
}

/** HMAC-SHA256 (RFC 2104) of message with key, both bytes or strings, as 32 bytes. */
export function hmacSha256(key, message) {
  let k = typeof key === "string" ? utf8(key) : key;
  if (k.length > 64) k = sha256(k);
  const msg = typeof message === "string" ? utf8(message) : message;
  const inner = new Uint8Array(64 + msg.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    const b = i < k.length ? k[i] : 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  inner.set(msg, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, all else is %XX. */
export const rfc3986 = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

/** The canonical query: names sorted (then values), both RFC 3986 encoded. */
export function canonicalQuery(params) {
  return Object.entries(params)
    .map(([k, v]) => [String(k), String(v)])
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0))
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join("&");
}

const acsDate = (d) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function nonce() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b); // available outside secure contexts too
  return hex(b);
}

/**
 * Headers for a signed GET, as the official SDK sends them (ACS3-HMAC-SHA256).
 * `host` is signed but not set: the browser sends it (location.host) and may not be told to.
 * Returns {headers, canonical, stringToSign} (the last two for showing what was signed).
 */
export function signAcs3({ method = "GET", host, path, query, action, version, accessKeyId, secret, now = new Date() }) {
  const signed = {
    host,
    "x-acs-action": action,
    "x-acs-content-sha256": hex(sha256(new Uint8Array(0))),
    "x-acs-date": acsDate(now),
    "x-acs-signature-nonce": nonce(),
    "x-acs-version": version,
  };
  const names = Object.keys(signed).sort();
  const canonical = [
    method, path, canonicalQuery(query),
    names.map((n) => `${n}:${String(signed[n]).trim()}\n`).join(""),
    names.join(";"),
    signed["x-acs-content-sha256"],
  ].join("\n");
  const stringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(canonical));
  const signature = hex(hmacSha256(secret, stringToSign));
  const headers = { ...signed };
  delete headers.host;
  headers.authorization =
    `ACS3-HMAC-SHA256 Credential=${accessKeyId},SignedHeaders=${names.join(";")},Signature=${signature}`;
  return { headers, canonical, stringToSign };
}
