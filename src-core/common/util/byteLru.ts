/** A least-recently-used cache bounded in bytes, not entries: big rasters and small ones count what they weigh. Pure. */
export class ByteLru<V extends { byteLength: number }> {
  private readonly map = new Map<string, V>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.used;
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.delete(key);
    if (v.byteLength > this.maxBytes) return;
    this.map.set(key, v);
    this.used += v.byteLength;
    for (const [k, old] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      this.used -= old.byteLength;
    }
  }

  delete(key: string): void {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.used -= v.byteLength;
    }
  }

  clear(): void {
    this.map.clear();
    this.used = 0;
  }
}
