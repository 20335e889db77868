/** Disjoint sets over 0..n−1 with path halving: connectivity of pair networks (per pixel and per stack). */
export class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.reset();
  }
  /** every element its own set again */
  reset(): void {
    for (let i = 0; i < this.parent.length; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }
  /** returns true if a merge happened */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent[ra] = rb;
    return true;
  }
}
