/**
 * The measuring tool (QGIS's measure line / area): clicked vertices, the length along them and — with three
 * or more — the area they enclose, both on WGS84 by src-core's measure functions. Backspace drops the last
 * vertex, Escape clears; choosing another tool keeps the last measurement on the map until cleared.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { formatArea, formatLength, lineLength, polygonArea, polygonPerimeter } from '../../src-core/common/geo/measure';

export const useMeasureStore = defineStore('measure', () => {
  /** [lat, lon] vertices */
  const points = ref<[number, number][]>([]);

  const length = computed(() => lineLength(points.value));
  const area = computed(() => (points.value.length >= 3 ? polygonArea(points.value) : null));
  const perimeter = computed(() => (points.value.length >= 3 ? polygonPerimeter(points.value) : null));
  /** what the read-out prints */
  const text = computed(() => {
    const n = points.value.length;
    if (!n) return '';
    const parts = [`${n} point${n > 1 ? 's' : ''}`, `length ${formatLength(length.value)}`];
    if (area.value !== null && perimeter.value !== null)
      parts.push(`closed: area ${formatArea(area.value)}, perimeter ${formatLength(perimeter.value)}`);
    return parts.join(' · ');
  });

  function add(lat: number, lon: number): void {
    points.value = [...points.value, [lat, lon]];
  }
  function undo(): void {
    points.value = points.value.slice(0, -1);
  }
  function clear(): void {
    points.value = [];
  }

  return { points, length, area, perimeter, text, add, undo, clear };
});
