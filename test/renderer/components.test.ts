// @vitest-environment happy-dom
/**
 * Components mounted with real stores over the fake API: the tab list is a WAI-ARIA tab list, the network
 * plot is keyboard-operable, inputs have labels, toasts are a live region, the help overlay lists every
 * shortcut, the pixel form reaches the same actions as a click.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { mount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { fakeApi } from './fakeApi';
import TabList from '../../src-renderer/components/TabList.vue';
import Toasts from '../../src-renderer/components/Toasts.vue';
import HelpOverlay from '../../src-renderer/components/HelpOverlay.vue';
import PixelForm from '../../src-renderer/components/PixelForm.vue';
import LayerBar from '../../src-renderer/components/LayerBar.vue';
import MapLegend from '../../src-renderer/components/MapLegend.vue';
import NetworkPanel from '../../src-renderer/panels/NetworkPanel.vue';
import LayersPanel from '../../src-renderer/panels/LayersPanel.vue';
import { PANELS } from '../../src-renderer/panels/registry';
import { SHORTCUTS } from '../../src-shared/shortcuts';
import { useUiStore } from '../../src-renderer/stores/ui';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useNetworkStore } from '../../src-renderer/stores/network';
import { useLayersStore } from '../../src-renderer/stores/layers';
import { useDisplayRefStore } from '../../src-renderer/stores/displayRef';
import { onKeydown } from '../../src-renderer/commands';
import { getColormap, valueToHex } from '../../src-core/common/colormap/index';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));

let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.resetState();
  vi.clearAllMocks();
  document.body.innerHTML = '';
});

const mountIt = <C>(c: C) => mount(c as never, { global: { plugins: [pinia] }, attachTo: document.body });

/** Every form control has a name: a <label for>, a wrapping label, aria-label or aria-labelledby. */
function unnamedControls(root: HTMLElement): string[] {
  return [...root.querySelectorAll('input, select, button, textarea')]
    .filter((el) => {
      const id = el.getAttribute('id');
      const labelled =
        (id && root.ownerDocument.querySelector(`label[for="${id}"]`)) ||
        el.closest('label') ||
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        (el.tagName === 'BUTTON' && el.textContent!.trim());
      return !labelled;
    })
    .map((el) => el.outerHTML.slice(0, 80));
}

describe('panel registry', () => {
  test('each *Panel.vue file is a tab, in order, with a unique id and key', () => {
    expect(PANELS.map((p) => p.id)).toEqual([
      'project',
      'layers',
      'network',
      'run',
      'inspect',
      'transects',
      'export',
      'nisar',
    ]);
    expect(new Set(PANELS.map((p) => p.key)).size).toBe(PANELS.length);
    for (const p of PANELS) expect(p.component).toBeTruthy();
  });
  test('panel keys do not collide with the app shortcuts', () => {
    const appKeys = SHORTCUTS.filter((s) => s.scope === 'app').flatMap((s) => s.keys as readonly string[]);
    for (const p of PANELS) expect(appKeys).not.toContain(p.key);
  });
});

describe('tab list', () => {
  test('roles, selected state, roving tabindex; arrow keys move and open the next tab', async () => {
    const w = mountIt(TabList);
    const tabs = w.findAll('[role="tab"]');
    expect(w.find('[role="tablist"]').exists()).toBe(true);
    expect(tabs.map((t) => t.attributes('aria-selected'))).toEqual(PANELS.map((_, i) => String(i === 0)));
    expect(tabs.map((t) => t.attributes('tabindex'))).toEqual(PANELS.map((_, i) => (i === 0 ? '0' : '-1')));
    await tabs[0].trigger('keydown', { key: 'ArrowRight' });
    expect(useUiStore().panel).toBe('layers');
    await tabs[1].trigger('keydown', { key: 'End' });
    expect(useUiStore().panel).toBe('nisar');
    await tabs[PANELS.length - 1].trigger('keydown', { key: 'ArrowRight' });
    expect(useUiStore().panel).toBe('project');
    expect(tabs[0].attributes('aria-controls')).toBe('panel-project');
  });
  test('the panel keys open panels, but not while typing in a field', () => {
    const ui = useUiStore();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3' }));
    onKeydown(new KeyboardEvent('keydown', { key: '3' }));
    expect(ui.panel).toBe('run');
    const input = document.createElement('input');
    document.body.appendChild(input);
    const e = new KeyboardEvent('keydown', { key: '4', bubbles: true });
    Object.defineProperty(e, 'target', { value: input });
    onKeydown(e);
    expect(ui.panel).toBe('run');
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: string, extra: Partial<KeyboardEventInit> = {}) => {
    const e = new KeyboardEvent('keydown', { key: k, cancelable: true, ...extra });
    onKeydown(e);
    return e;
  };
  test('Ctrl+Z undoes once; in a text field it is left to the field', async () => {
    await useProjectStore().open('/data/demo');
    await useNetworkStore().togglePair(1);
    key('z', { ctrlKey: true });
    await flushPromises();
    expect(fakeApi.undo).toHaveBeenCalledTimes(1);
    const input = document.createElement('input');
    const e = new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, cancelable: true });
    Object.defineProperty(e, 'target', { value: input });
    onKeydown(e);
    expect(fakeApi.undo).toHaveBeenCalledTimes(1);
    expect(e.defaultPrevented).toBe(false);
  });
  test('arrow keys step dates; M toggles the mask; ? opens the help', async () => {
    await useProjectStore().open('/data/demo');
    const layers = useLayersStore();
    await layers.pick('timeseries.h5:timeseries');
    key('ArrowLeft');
    await flushPromises();
    expect(layers.active?.ref.date).toBe('20200125');
    key('Home');
    await flushPromises();
    expect(layers.active?.ref.date).toBe('20200101');
    key('m');
    expect(layers.maskOn).toBe(false);
    key('?', { shiftKey: true });
    expect(useUiStore().helpOpen).toBe(true);
    key('Escape');
    expect(useUiStore().helpOpen).toBe(false);
  });
});

describe('network panel', () => {
  test('the plot is a list box: arrows select pairs, X excludes the selected one, the choice is announced', async () => {
    await useProjectStore().open('/data/demo');
    const w = mountIt(NetworkPanel);
    await flushPromises();
    const plot = w.find('[data-testid="network-plot"]');
    expect(plot.attributes('role')).toBe('listbox');
    expect(plot.attributes('tabindex')).toBe('0');
    expect(w.findAll('[role="option"]')).toHaveLength(5);
    await plot.trigger('keydown', { key: 'ArrowRight' });
    await plot.trigger('keydown', { key: 'ArrowRight' });
    expect(plot.attributes('aria-activedescendant')).toBe('pair-opt-1');
    expect(w.find('[aria-live="polite"]').text()).toContain('Pair #1 20200101–20200125: 24 days');
    await plot.trigger('keydown', { key: 'x' });
    await flushPromises();
    expect(fakeApi.setExcludedPairs).toHaveBeenLastCalledWith([1]);
    expect(w.find('[data-testid="kept-count"]').text()).toBe('4 of 5 pairs kept');
    expect(w.find('#pair-opt-1').attributes('aria-label')).toContain('excluded by you');
    expect(w.find('[data-testid="exclude-pair"]').text()).toBe('Include');
    expect(unnamedControls(w.element as HTMLElement)).toEqual([]);
  });
  test('a click selects a pair (no exclusion); Exclude is the explicit action; the matrix selects the same pair', async () => {
    await useProjectStore().open('/data/demo');
    const w = mountIt(NetworkPanel);
    await flushPromises();
    await w.find('[data-testid="pair-3"]').trigger('click');
    await flushPromises();
    expect(fakeApi.setExcludedPairs).not.toHaveBeenCalled();
    expect(w.find('[data-testid="selected-pair"]').text()).toContain('Pair #3 20200113–20200206');
    await w.find('[data-testid="exclude-pair"]').trigger('click');
    await flushPromises();
    expect(fakeApi.setExcludedPairs).toHaveBeenLastCalledWith([3]);
    // the matrix: every pair in the lower triangle, the kept ones (4 of 5) in the upper; its cell selects pair 4
    const m = w.find('[data-testid="coherence-matrix"]');
    expect(m.findAll('[data-testid^="cell-l"]')).toHaveLength(5);
    expect(m.findAll('[data-testid^="cell-u"]').map((c) => c.attributes('data-pair'))).toEqual(['0', '1', '2', '4']);
    // coherence 0.3 of pair 3 (excluded) in the lower triangle, in MintPy's RdBu_truncate at vlim 0.2–1
    const cm = getColormap('RdBu_truncate', [0, 0.7, 1]);
    expect(m.find('[data-testid="cell-l3"]').attributes('fill')).toBe(valueToHex(cm, 0.3, 0.2, 1));
    expect(m.find('[data-testid="cell-l3"] title').text()).toBe('#3 20200113_20200206: coherence 0.30 (excluded)');
    await m.find('[data-testid="cell-u4"]').trigger('click');
    await flushPromises();
    expect(useNetworkStore().selectedPair).toBe(4);
    expect(fakeApi.setExcludedPairs).toHaveBeenCalledTimes(1);
  });
  test('the plot names the dates left without a pair and the parts of a split network; coherence legend', async () => {
    await useProjectStore().open('/data/demo');
    const net = useNetworkStore();
    const w = mountIt(NetworkPanel);
    await flushPromises();
    expect(w.find('[data-testid="network-legend"]').text()).toContain('coherence');
    expect(w.findAll('[data-testid="network-part"]')).toHaveLength(0);
    // pairs 0 and 1 out: 20200101 has no kept pair left
    await net.setExcluded([0, 1]);
    await flushPromises();
    expect(w.find('[data-testid="lonely-20200101"]').exists()).toBe(true);
    expect(w.find('[data-testid="network-legend"]').text()).toContain('20200101: no pair');
    // only 0 (01–13) and 4 (25–06) kept: two parts, each named with its dates
    await net.setExcluded([1, 2, 3]);
    await flushPromises();
    expect(w.findAll('[data-testid="network-part"]').map((t) => t.text())).toEqual([
      'part 1: 2 dates 20200101–20200113',
      'part 2: 2 dates 20200125–20200206',
    ]);
  });
  test('undo is a button with its shortcut in the tooltip', async () => {
    await useProjectStore().open('/data/demo');
    await useNetworkStore().togglePair(2);
    const w = mountIt(NetworkPanel);
    await flushPromises();
    const undo = w.find('[data-testid="undo"]');
    expect(undo.attributes('title')).toMatch(/\(Ctrl\+Z\)$/);
    expect(undo.attributes('aria-keyshortcuts')).toBe('Control+Z');
    await undo.trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="kept-count"]').text()).toBe('5 of 5 pairs kept');
  });
});

describe('toasts, help, forms', () => {
  test('toasts sit in a live region; errors are alerts; each can be dismissed', async () => {
    const w = mountIt(Toasts);
    const ui = useUiStore();
    ui.toast('Reading failed: broken.h5', 'error');
    ui.toast('Run finished', 'info');
    await flushPromises();
    expect(w.find('.toasts').attributes('aria-live')).toBe('polite');
    expect(w.findAll('[role="alert"]').map((x) => x.find('span').text())).toEqual(['Reading failed: broken.h5']);
    await w.find('[aria-label="Dismiss message"]').trigger('click');
    expect(ui.toasts.map((t) => t.text)).toEqual(['Run finished']);
  });
  test('the help overlay lists every app shortcut and every panel key', async () => {
    const w = mountIt(HelpOverlay);
    useUiStore().helpOpen = true;
    await flushPromises();
    const dialog = w.find('[role="dialog"]');
    expect(dialog.attributes('aria-modal')).toBe('true');
    const text = dialog.text();
    for (const s of SHORTCUTS.filter((x) => x.scope !== 'menu')) expect(text).toContain(s.label);
    for (const p of PANELS) expect(text).toContain(`${p.title} panel`);
    expect(text).toContain('Ctrl+Shift+Z');
    expect(text).not.toContain('Export KMZ…'); // a menu item of the desktop app only
  });
  test('the pixel form: typed row/col inspects that pixel; every field is labelled', async () => {
    await useProjectStore().open('/data/demo');
    const w = mountIt(PixelForm);
    await w.find('input[value="rowcol"]').setValue(true);
    await w.find('[data-testid="pixel-a"]').setValue('2');
    await w.find('[data-testid="pixel-b"]').setValue('3');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(fakeApi.pixelSeries).toHaveBeenCalledWith(2, 3);
    expect(w.find('label[for="pixel-a"]').text()).toBe('Row');
    expect(unnamedControls(w.element as HTMLElement)).toEqual([]);
  });
  test('the layer bar: every control has a name; the colour bar is over the map and names the display reference', async () => {
    await useProjectStore().open('/data/demo');
    await useLayersStore().pick('timeseries.h5:timeseries');
    const w = mountIt(LayerBar);
    const legend = mountIt(MapLegend);
    await flushPromises();
    expect(unnamedControls(w.element as HTMLElement)).toEqual([]);
    // not in the bar: a bar that grows when a colour bar (or its note) comes would resize the map
    expect(w.find('[data-testid="colorbar"]').exists()).toBe(false);
    expect(legend.find('[data-testid="colorbar"]').attributes('aria-label')).toContain('Colour bar of');
    expect(legend.find('[data-testid="colorbar-note"]').exists()).toBe(false);
    await useDisplayRefStore().setRefDate('20200113');
    await useDisplayRefStore().setPixel(2, 3);
    await flushPromises();
    expect(legend.find('[data-testid="colorbar-note"]').text()).toBe(
      'relative to 20200113 · display ref. row 2, col 3',
    );
    expect(legend.find('[data-testid="colorbar"]').attributes('aria-label')).toContain(
      '(relative to 20200113 · display ref. row 2, col 3)',
    );
  });

  test('the layers panel: top first, every control named after its layer; Up, Down and remove by keyboard', async () => {
    await useProjectStore().open('/data/demo');
    const layers = useLayersStore();
    const w = mountIt(LayersPanel);
    await w.find('[data-testid="layer-add-select"]').setValue('maskTempCoh.h5:mask');
    await w.find('[data-testid="layer-add-form"]').trigger('submit');
    await flushPromises();
    expect(unnamedControls(w.element as HTMLElement)).toEqual([]);
    const rows = () => w.findAll('[data-testid^="layer-row-"]').map((r) => r.attributes('data-testid'));
    expect(rows()).toEqual(['layer-row-data-2', 'layer-row-data']);
    expect(w.find('[data-testid="layer-opacity-data"]').attributes('aria-label')).toBe('Opacity of Velocity');
    expect(w.find('[data-testid="layer-style-data-2"]').element).toHaveProperty('value', 'outline');
    // the top row cannot go up, the bottom one not down
    expect(w.find('[data-testid="layer-up-data-2"]').attributes('disabled')).toBeDefined();
    expect(w.find('[data-testid="layer-down-data"]').attributes('disabled')).toBeDefined();
    await w.find('[data-testid="layer-down-data-2"]').trigger('click');
    expect(rows()).toEqual(['layer-row-data', 'layer-row-data-2']);
    expect(layers.entries.map((e) => e.key)).toEqual(['data-2', 'data']);
    // selecting by its radio button; the opacity slider of one row
    await w.find('[data-testid="layer-selected-data"]').setValue(true);
    expect(layers.active?.key).toBe('data');
    await w.find('[data-testid="layer-opacity-data-2"]').setValue('0.35');
    expect(layers.entries[0].opacity).toBe(0.35);
    await w.find('[data-testid="layer-visible-data"]').setValue(false);
    expect(layers.entries[1].visible).toBe(false);
    await w.find('[data-testid="layer-remove-data-2"]').trigger('click');
    expect(rows()).toEqual(['layer-row-data']);
  });
});
