import { expect } from 'chai';
import { judgeHeap, percentile, slope, type HeapSample } from './soak-stats.ts';

const line = (a: number, b: number, n: number, minutes: number): HeapSample[] => Array.from({ length: n }, (_, i) => ({ minutes: (i * minutes) / (n - 1), mib: a + b * ((i * minutes) / (n - 1)) }));

describe('reliability/soak-stats', () => {
  it('fits the slope of a line exactly, and 0 for too few points', () => {
    expect(slope(line(50, 3, 20, 10))).to.be.closeTo(3, 1e-9);
    expect(slope([{ minutes: 1, mib: 5 }])).to.equal(0);
    expect(
      slope([
        { minutes: 1, mib: 5 },
        { minutes: 1, mib: 9 },
      ]),
    ).to.equal(0);
  });

  it('calls a steadily growing heap a leak and a flat noisy one not', () => {
    expect(judgeHeap(line(40, 30, 40, 5)).leaking).to.equal(true);
    const noisy = line(40, 0, 40, 5).map((s, i) => ({ ...s, mib: s.mib + (i % 3) - 1 }));
    expect(judgeHeap(noisy).leaking).to.equal(false);
  });

  it('judges only the second half (warm-up growth is fine)', () => {
    const warm = [...line(10, 60, 20, 1), ...line(70, 0, 20, 1).map((s) => ({ ...s, minutes: s.minutes + 1.05 }))];
    expect(judgeHeap(warm).leaking).to.equal(false);
  });

  it('ignores a steep slope over a tiny growth (short runs)', () => {
    // 0.1 minutes at 20 MiB/min is 2 MiB: noise for a 12-second run.
    expect(judgeHeap(line(40, 20, 20, 0.2)).leaking).to.equal(false);
  });

  it('takes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(v, 99)).to.equal(99);
    expect(percentile(v, 50)).to.equal(50);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile([], 99)).to.be.NaN;
  });
});
