/**
 * Time playback over the shown stack (QGIS's temporal controller, tsview's slider): play / pause, a speed in
 * dates per second, loop or stop at the last date, and seeking from the slider where only the latest position
 * counts (a drag asks for many dates; each is read once the previous one is on the map). A step waits for the
 * date to be shown before the next starts, so a slow read never queues steps up.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useLayersStore } from './layers';

/** Speeds offered, dates per second. */
export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

export const usePlaybackStore = defineStore('playback', () => {
  const playing = ref(false);
  /** dates per second */
  const speed = ref<number>(2);
  /** start again at the first date after the last one (else stop there) */
  const loop = ref(true);
  let run = 0;
  let seekTarget: string | null = null;
  let seeking: Promise<void> | null = null;

  const layers = () => useLayersStore();
  /** index of the shown date (or pair) in the layer's dates; -1 without a stack */
  const index = computed(() => {
    const ds = layers().dates;
    const d = layers().active?.ref.date;
    return ds && d ? ds.indexOf(d) : -1;
  });
  const count = computed(() => layers().dates?.length ?? 0);

  async function play(): Promise<void> {
    if (playing.value || count.value < 2) return;
    playing.value = true;
    const my = ++run;
    // from the last date, play starts over
    if (index.value === count.value - 1) await layers().stepDate('first');
    // a date every 1/speed s, or as fast as dates can be shown when reading one takes longer
    let t0 = performance.now();
    while (playing.value && my === run) {
      await sleep(Math.max(0, 1000 / speed.value - (performance.now() - t0)));
      if (!playing.value || my !== run) break;
      t0 = performance.now();
      if (index.value >= count.value - 1) {
        if (!loop.value) break;
        await layers().stepDate('first');
      } else await layers().stepDate(1);
    }
    if (my === run) playing.value = false;
  }

  function pause(): void {
    playing.value = false;
    run++;
  }

  function toggle(): void {
    if (playing.value) pause();
    else void play();
  }

  function setSpeed(s: number): void {
    if (s > 0 && Number.isFinite(s)) speed.value = s;
  }

  /** Show date index i (from the slider): the latest request wins; the user takes over from playback. */
  function seek(i: number): Promise<void> {
    const ds = layers().dates;
    if (!ds?.length) return Promise.resolve();
    pause();
    seekTarget = ds[Math.min(ds.length - 1, Math.max(0, Math.round(i)))];
    seeking ??= (async () => {
      try {
        while (seekTarget !== null) {
          const d: string = seekTarget;
          seekTarget = null;
          await layers().setDate(d);
        }
      } finally {
        seeking = null;
      }
    })();
    return seeking;
  }

  return { playing, speed, loop, index, count, play, pause, toggle, setSpeed, seek };
});
