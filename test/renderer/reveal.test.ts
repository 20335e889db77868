/**
 * The map's canvas while a project's first picture is on its way: hidden until the data layer's tiles are
 * drawn, or until there is nothing to wait for (once the app has started, and for a moment: two calls of one
 * action may leave nothing on its way for a microtask), or until the cap.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createReveal, IDLE_MS } from '../../src-renderer/map/reveal';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('map reveal', () => {
  const signals = () => ({ drawn: false, idle: false, started: true });
  const make = (s: ReturnType<typeof signals>, cap = 3000) =>
    createReveal({ dataDrawn: () => s.drawn, idle: () => s.idle, started: () => s.started }, cap);

  test('shown once the data is drawn, not before', () => {
    const s = signals();
    const r = make(s);
    r.wait();
    r.check();
    expect(r.waiting.value).toBe(true);
    s.drawn = true;
    r.check();
    expect(r.waiting.value).toBe(false);
  });

  test('nothing to wait for: shown when it stays so for a moment, and only once the app has started', () => {
    const s = { ...signals(), idle: true, started: false };
    const r = make(s);
    r.wait();
    r.check();
    vi.advanceTimersByTime(IDLE_MS * 3);
    expect(r.waiting.value).toBe(true); // the app has not made its first calls
    s.started = true;
    vi.advanceTimersByTime(IDLE_MS);
    expect(r.waiting.value).toBe(false);
    // idle for a microtask only: the next call of the action came
    r.wait();
    r.check();
    s.idle = false;
    vi.advanceTimersByTime(IDLE_MS * 3);
    expect(r.waiting.value).toBe(true);
  });

  test('shown after the cap whatever happens; a new wait starts a new cap', () => {
    const s = signals();
    const r = make(s, 1000);
    r.wait();
    vi.advanceTimersByTime(999);
    expect(r.waiting.value).toBe(true);
    vi.advanceTimersByTime(1);
    expect(r.waiting.value).toBe(false);
    r.wait();
    vi.advanceTimersByTime(600);
    r.wait();
    vi.advanceTimersByTime(600);
    expect(r.waiting.value).toBe(true);
    r.dispose();
    expect(r.waiting.value).toBe(false);
  });
});
