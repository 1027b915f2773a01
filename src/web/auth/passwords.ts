/**
 * Password hashing with scrypt from node:crypto, a memory-hard KDF (RFC 7914; OWASP Password
 * Storage Cheat Sheet: N=2^17 r=8 p=1 is the upper example, N=2^15 keeps a login near 100 ms on a
 * shared 2-core box). The stored form names its parameters, so they can be raised later and old
 * hashes still verify: `scrypt$N$r$p$salt$hash` (base64url).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LEN = 32;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem must exceed 128·N·r bytes (32 MiB here), or scrypt refuses.
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LEN, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hash a password for storage. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when the password matches the stored hash (constant-time compare); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const got = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** A hash of a random password: verified against when the account does not exist, so both take as long. */
export const DUMMY_HASH_PROMISE = hashPassword(randomBytes(16).toString('hex'));

/** The minimum a password must be (NIST SP 800-63B §5.1.1: at least 8 characters, no composition rules). */
export function passwordProblem(password: string): string | null {
  if ([...password.normalize('NFC')].length < 10) return 'mật khẩu phải có ít nhất 10 ký tự';
  if ([...password].length > 200) return 'mật khẩu dài quá 200 ký tự';
  return null;
}
