import { describe, expect, it } from 'vitest';
import { redactSecrets } from '#core/chat/redact.js';

describe('redactSecrets', () => {
  it('hides tokens with a known prefix, keeping the prefix', () => {
    expect(redactSecrets('SLACK xoxb-1234567890-abcdefghij and xapp-1-A0B1C2D3E4-5678')).toBe(
      'SLACK xoxb-[redacted] and xapp-[redacted]',
    );
    expect(redactSecrets('key sk-ant-api03-abcdefghijklmnop done')).toBe('key sk-ant-[redacted] done');
    expect(redactSecrets('sk-proj-ABCDEFGH12345678')).toBe('sk-proj-[redacted]');
    expect(redactSecrets('push with ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('push with ghp_[redacted]');
    expect(redactSecrets('github_pat_11ABCDEFG0123456789_abcdef')).toBe('github_pat_[redacted]');
    expect(redactSecrets('aws AKIAIOSFODNN7EXAMPLE')).toBe('aws AKIA[redacted]');
  });

  it('hides Authorization headers and JWTs', () => {
    expect(redactSecrets('curl -H "Authorization: Bearer abc.def-ghi_jkl123"')).toBe(
      'curl -H "Authorization: Bearer [redacted]"',
    );
    expect(redactSecrets('Basic dXNlcjpwYXNzd29yZA==')).toBe('Basic [redacted]');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(redactSecrets(`token ${jwt} ok`)).not.toContain('eyJ');
  });

  it('hides passwords in key=value, key: value, JSON and URLs, keeping the key', () => {
    expect(redactSecrets('PGPASSWORD=hunter2 psql')).toBe('PGPASSWORD=[redacted] psql');
    expect(redactSecrets('export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI')).toBe('export AWS_SECRET_ACCESS_KEY=[redacted]');
    expect(redactSecrets('secret_key = abc')).toBe('secret_key = [redacted]');
    expect(redactSecrets('password: "correct horse"')).toBe('password: "[redacted]"');
    expect(redactSecrets('{"api_key": "abc123", "user": "bob"}')).toBe('{"api_key": "[redacted]", "user": "bob"}');
    expect(redactSecrets('SLACK_SIGNING_SECRET=8f14e45fceea167a')).toBe('SLACK_SIGNING_SECRET=[redacted]');
    expect(redactSecrets('db at postgres://app:s3cr3t@db:5432/x')).toBe('db at postgres://app:[redacted]@db:5432/x');
  });

  it('hides long hex and random-looking base64 runs', () => {
    expect(redactSecrets('id 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 end')).toBe(
      'id [redacted] end',
    );
    expect(redactSecrets('k=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u')).toBe('k=[redacted]');
    expect(redactSecrets('blob q8Xz1Lm4Np7Rt2Vw5Yb9Cd3Fg6Hj0Kl8Mn4Pq7Rs1Tu end')).toBe('blob [redacted] end');
  });

  it('leaves ordinary output alone', () => {
    const text = [
      '✓ 14 tests passed (max_tokens: 4096, auth: true)',
      'src/core/chat/thread-notices.ts:42:7 - error TS2322',
      'Compiling someVeryLongCamelCaseIdentifierName2 done',
      'commit abc1234 (short ids stay)',
      'tokens used: 12,400',
      'Author: Alice <alice@example.com>',
      'TOKEN_URL_HOST is the secret_store_host',
    ].join('\n');
    expect(redactSecrets(text)).toBe(text);
  });
});
