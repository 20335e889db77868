/**
 * GNSS stations (the files the NISAR module reads) on the map and in the pixel chart: main places them on
 * the time series' grid and projects their series on the LOS at their pixel (src-core readGnssStations);
 * the chart shows the chosen stations' series, relative to the chosen reference date when there is one
 * (src-core relativeToEpoch), beside the InSAR pixel at the station.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { GnssStationInfo, GnssStationsResult } from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';

/** station colours in the chart and on the map (distinct from the pins' Tableau 10) */
export const GNSS_COLORS = ['#006d2c', '#7a0177', '#08519c', '#a63603', '#3f007d', '#00441b'];

export const useGnssStore = defineStore('gnss', () => {
  const result = shallowRef<GnssStationsResult | null>(null);
  /** the folder or files the user gave (the field's text) */
  const paths = ref('');
  /** sites shown in the chart */
  const inChart = ref<string[]>([]);

  const stations = computed<GnssStationInfo[]>(() => result.value?.stations ?? []);
  const colorOf = (site: string) => {
    const i = stations.value.filter((s) => s.los.length).findIndex((s) => s.site === site);
    return GNSS_COLORS[(i < 0 ? 0 : i) % GNSS_COLORS.length];
  };

  function reset(): void {
    result.value = null;
    inChart.value = [];
  }

  /** Read the stations of a folder or files (one per line or separated by ';'). */
  async function load(text = paths.value): Promise<boolean> {
    const list = text
      .split(/[;\n]/)
      .map((x) => x.trim())
      .filter(Boolean);
    if (!list.length) return false;
    paths.value = text;
    const r = await useUiStore().guarded(() => api.gnssStations(list), 'Reading the GNSS stations');
    if (!r) return false;
    result.value = markRaw(r);
    // the stations with a series on the grid go to the chart (a handful; the user unticks the rest)
    inChart.value = r.stations
      .filter((s) => s.los.length)
      .map((s) => s.site)
      .slice(0, 4);
    const off = r.stations.filter((s) => s.row === null).length;
    useUiStore().toast(
      `${r.stations.length} GNSS station(s) read${off ? `, ${off} outside the data` : ''}${r.notes.length ? ` — ${r.notes[0]}` : ''}`,
      'info',
    );
    return true;
  }

  function toggleChart(site: string, on: boolean): void {
    inChart.value = on ? [...new Set([...inChart.value, site])] : inChart.value.filter((s) => s !== site);
  }

  return { result, paths, inChart, stations, colorOf, reset, load, toggleChart };
});
