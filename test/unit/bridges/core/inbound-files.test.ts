import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationFilesDir, safeFileName, saveInboundFile } from '#src/bridges/core/inbound-files.js';

let server: Server;
let base: string;
let dir: string;
const seenHeaders: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omar-files-'));
  server = createServer((req, res) => {
    seenHeaders.push(String(req.headers.authorization ?? ''));
    if (req.url === '/small') return res.end('hello');
    if (req.url === '/lies') return res.end('x'.repeat(5000));
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('saveInboundFile', () => {
  it('downloads a file with the given headers and keeps its size', async () => {
    const file = await saveInboundFile(
      { name: 'notes.txt', size: 5, url: `${base}/small`, headers: { authorization: 'Bearer t' } },
      { dir, maxBytes: 100 },
    );
    expect(file).toEqual({ name: 'notes.txt', size: 5, path: join(dir, 'notes.txt') });
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('hello');
    expect(seenHeaders).toContain('Bearer t');
  });

  it('lists but does not keep a file announced larger than the cap', async () => {
    const file = await saveInboundFile({ name: 'big.bin', size: 101, url: `${base}/small` }, { dir, maxBytes: 100 });
    expect(file).toEqual({ name: 'big.bin', size: 101, path: null });
  });

  it('stops and removes a file that turns out larger than the cap', async () => {
    const file = await saveInboundFile({ name: 'liar.bin', size: 10, url: `${base}/lies` }, { dir, maxBytes: 100 });
    expect(file.path).toBeNull();
    expect(await readdir(dir)).not.toContain('liar.bin');
  });

  it('answers path null when the download fails', async () => {
    const file = await saveInboundFile({ name: 'gone.txt', size: 3, url: `${base}/nope` }, { dir, maxBytes: 100 });
    expect(file).toEqual({ name: 'gone.txt', size: 3, path: null });
  });
});

describe('file names and folders', () => {
  it('keeps names inside their folder', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..')).toBe('__');
    expect(safeFileName('a\u0000b\nc.txt')).toBe('a_b_c.txt');
    expect(safeFileName('')).toBe('file');
  });

  it('puts each conversation in its own folder', () => {
    expect(conversationFilesDir('/h', 'slack', 'D1', '1700.1')).toBe('/h/chat/files/slack/D1/1700.1');
    expect(conversationFilesDir('/h', 'slack', '../x', '..')).toBe('/h/chat/files/slack/.._x/__');
  });
});
