import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { H5Reader } from '../../src-core/node/formats/h5';
import { modifyNetwork } from '../../src-core/node/steps/modifyNetwork';
import { readNetworkSelection } from '../../src-core/node/network/selectionStore';
import { describeParity, fx } from '../helpers/fixtures';
import { ctxFor, stageWorkDir } from './networkStage';

async function readAll(path: string, ds: string): Promise<Float64Array> {
  const r = await H5Reader.open(path);
  try {
    return Float64Array.from(r.read(ds) as ArrayLike<number>);
  } finally {
    r.close();
  }
}

describeParity('modify_network vs MintPy 1.5.1 (cv-tiny)', () => {
  let dir = '';
  let summary: Record<string, unknown> = {};
  beforeAll(async () => {
    dir = stageWorkDir('net-parity-');
    summary = (await modifyNetwork(ctxFor(dir))).summary;
  }, 60_000);

  it('kept network equals network_kept.txt (83 of 87 pairs)', () => {
    const ours = readFileSync(join(dir, 'network_kept.txt'), 'utf8');
    const theirs = readFileSync(fx('mintpy', 'network_kept.txt'), 'utf8');
    expect(ours.trim().split('\n').length).toBe(83);
    expect(ours).toBe(theirs);
    expect(summary.numKept).toBe(83);
    const sel = readNetworkSelection(dir);
    expect(sel?.keep.filter((k) => !k).length).toBe(4);
    expect(sel?.reasons['20181223_20190104']).toEqual(['date after endDate 20190101']);
    expect(summary.datesWithoutPair).toEqual(['20190104']);
    expect(summary.numComponents).toBe(1);
  });

  it('coherenceSpatialAvg.txt equals MintPy line by line (87 pairs)', () => {
    const ours = readFileSync(join(dir, 'coherenceSpatialAvg.txt'), 'utf8').split('\n');
    const theirs = readFileSync(fx('mintpy', 'coherenceSpatialAvg.txt'), 'utf8').split('\n');
    expect(ours.length).toBe(theirs.length);
    const diff = ours.map((l, i) => (l === theirs[i] ? null : `${i + 1}: ${l} | ${theirs[i]}`)).filter(Boolean);
    expect(diff, `differing lines: ${diff.join('\n')}`).toEqual([]);
  });

  it('waterMask.h5 equals MintPy (the fixture is all land: 16000 of 16000 px)', async () => {
    const ours = await readAll(join(dir, 'waterMask.h5'), 'waterMask');
    const theirs = await readAll(fx('mintpy', 'waterMask.h5'), 'waterMask');
    expect(ours.length).toBe(100 * 160);
    let nd = 0;
    for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) nd++;
    expect(nd, 'pixels differing').toBe(0);
    expect(theirs.reduce((a, b) => a + b, 0)).toBe(16000);
  });
});
