/**
 * fitTile vs MintPy 1.5.1 timeseries2velocity on a small synthetic series across a year boundary
 * (20181101 … 20191105, CENTER_LINE_UTC 49956 s), generated once with `python3 -m mintpy timeseries2velocity`;
 * inputs and MintPy's outputs are embedded as float32 values. Run 'full': polynomial 2 + periodic 1, 0.5 +
 * step 20190301 + exp 20190415 (60 d) + log 20190601 (30 d); run 'select': periodic 2 with start/end dates and
 * two excluded dates. Settings are read back from MintPy's own mintpy.timeFunc.* attributes.
 */
import { describe, expect, it } from 'vitest';
import { fitTile } from '../../src-core/common/timefunc/fitTile';
import { parseTimeFuncOptions, timeFuncAttributes } from '../../src-core/common/timefunc/model';

const DATES = [
  '20181101',
  '20181113',
  '20181125',
  '20181207',
  '20181219',
  '20181231',
  '20190112',
  '20190124',
  '20190205',
  '20190217',
  '20190301',
  '20190313',
  '20190325',
  '20190406',
  '20190418',
  '20190430',
  '20190512',
  '20190524',
  '20190605',
  '20190617',
  '20190629',
  '20190711',
  '20190723',
  '20190804',
  '20190816',
  '20190828',
  '20190909',
  '20190921',
  '20191003',
  '20191015',
  '20191027',
  '20191108',
];
const P = 6;
const TS = Float32Array.from([
  0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.007482217624783516, 0.006441093515604734, 0.007309931330382824, 0.0,
  0.008369469083845615, 0.0, 0.009312762878835201, 0.009788974188268185, 0.00682303449138999, 0.0, 0.00998914148658514,
  0.0, 0.008255009539425373, 0.008645324036478996, 0.006613319274038076, 0.0, 0.011478770524263382, 0.0,
  0.01072987075895071, 0.009997365064918995, 0.005772882606834173, 0.0, 0.012407195754349232, 0.0, 0.012325843796133995,
  0.008051522076129913, 0.00832312274724245, 0.0, 0.014012894593179226, 0.0, 0.010252058506011963, 0.011310257948935032,
  0.008581596426665783, 0.0, 0.012341789901256561, 0.0, 0.009309867396950722, 0.010385774075984955,
  0.008326650597155094, 0.0, 0.01668412797152996, 0.0, 0.011772564612329006, 0.008885994553565979, 0.008758247829973698,
  0.0, 0.017138879746198654, 0.0, 0.011611171998083591, 0.010633937083184719, 0.007468740455806255, 0.0,
  0.02042275108397007, 0.0, 0.013283388689160347, 0.012107440270483494, 0.010049637407064438, 0.0, 0.020658031105995178,
  0.0, 0.011451579630374908, 0.016502009704709053, 0.01755615323781967, 0.0, 0.027111541479825974, 0.0,
  0.012632776983082294, 0.010236194357275963, 0.016005869954824448, 0.0, 0.02863067202270031, 0.0, 0.012249271385371685,
  0.015756880864501, 0.014852290041744709, 0.0, 0.028548408299684525, 0.0, 0.010610852390527725, 0.01579386182129383,
  0.0219371747225523, 0.0, 0.029430534690618515, 0.0, 0.014802582561969757, 0.01591826230287552, 0.022132474929094315,
  0.0, 0.029883505776524544, 0.0, 0.01613134704530239, 0.015408948063850403, 0.027039870619773865, 0.0,
  0.029453113675117493, 0.0, 0.014207758009433746, 0.02132181078195572, 0.0246249008923769, 0.0, 0.030445553362369537,
  0.0, 0.01916954107582569, 0.01772477477788925, 0.025152161717414856, 0.0, 0.03001139871776104, 0.0,
  0.018869318068027496, 0.022858718410134315, 0.024627968668937683, 0.0, 0.031840674579143524, 0.0,
  0.019424188882112503, 0.025815758854150772, 0.03146858885884285, 0.0, 0.031023738905787468, 0.0, 0.020027825608849525,
  0.021481690928339958, 0.03508616238832474, 0.0, 0.03199498727917671, 0.0, 0.022288482636213303, 0.0254959836602211,
  0.029243797063827515, 0.0, 0.027956560254096985, 0.0, 0.018943820148706436, 0.024822359904646873,
  0.030331559479236603, 0.0, 0.032153792679309845, 0.0, 0.02411884255707264, 0.02915848232805729, 0.03335520997643471,
  0.0, 0.028637073934078217, 0.0, 0.02540278621017933, 0.03279127553105354, 0.030838437378406525, 0.0,
  0.028532113879919052, 0.0, 0.021958833560347557, 0.03474118560552597, 0.03210242837667465, 0.0, 0.029528062790632248,
  0.0, 0.027442684397101402, 0.02789083495736122, 0.03191187232732773, 0.0, 0.028827408328652382, 0.0,
  0.027426300570368767, 0.030859746038913727, 0.032808538526296616, 0.0, 0.03069540485739708, 0.0, 0.030561570078134537,
  0.033783748745918274, 0.03429906442761421, 0.0, 0.029263535514473915, 0.0, 0.029056590050458908, 0.0357087105512619,
  0.031740933656692505, 0.0, 0.028716113418340683, 0.0, 0.030675694346427917, 0.03338083624839783, 0.0330582819879055,
  0.0, 0.029748551547527313,
]);
const MINTPY: Record<
  string,
  { attrs: Record<string, string>; units: Record<string, string>; data: Record<string, number[]> }
> = {
  full: {
    attrs: {
      END_DATE: '20191108',
      START_DATE: '20181101',
      'mintpy.timeFunc.bootstrapCount': '400',
      'mintpy.timeFunc.endDate': 'None',
      'mintpy.timeFunc.excludeDate': '[]',
      'mintpy.timeFunc.exp': "[['20190415', '60']]",
      'mintpy.timeFunc.log': "[['20190601', '30']]",
      'mintpy.timeFunc.periodic': '[1.0, 0.5]',
      'mintpy.timeFunc.polynomial': '2',
      'mintpy.timeFunc.startDate': 'None',
      'mintpy.timeFunc.stepDate': "['20190301']",
      'mintpy.timeFunc.timeSeriesCovFile': 'None',
      'mintpy.timeFunc.uncertaintyQuantification': 'residue',
    },
    units: {
      acceleration: 'm/year^2',
      accelerationStd: 'm/year^2',
      annualAmplitude: 'm',
      annualPhase: 'radian',
      exp20190415Tau60D: 'm',
      exp20190415Tau60DStd: 'm',
      intercept: 'm',
      interceptStd: 'm',
      log20190601Tau30D: 'm',
      log20190601Tau30DStd: 'm',
      residue: 'm',
      semiAnnualAmplitude: 'm',
      semiAnnualPhase: 'radian',
      step20190301: 'm',
      step20190301Std: 'm',
      velocity: 'm/year',
      velocityStd: 'm/year',
    },
    data: {
      acceleration: [0.0, -0.15040665864944458, -0.1038404256105423, -0.1690969467163086, 0.0, -0.1869863122701645],
      accelerationStd: [0.0, 0.0606745146214962, 0.09087418764829636, 0.08203592896461487, 0.0, 0.05813851207494736],
      annualAmplitude: [
        0.0, 0.008793105371296406, 0.009340097196400166, 0.001770692178979516, 0.0, 0.004418292548507452,
      ],
      annualPhase: [0.0, 0.21898110210895538, 1.65166175365448, -1.176135778427124, 0.0, -0.8148699402809143],
      exp20190415Tau60D: [
        0.0, 0.026555588468909264, -0.006125128362327814, 0.011430410668253899, 0.0, 0.0030857371166348457,
      ],
      exp20190415Tau60DStd: [
        0.0, 0.015150918625295162, 0.02269202098250389, 0.020485036075115204, 0.0, 0.014517657458782196,
      ],
      intercept: [
        0.0, -0.0031126905232667923, -0.0075996373780071735, -0.0006205582758411765, 0.0, 0.0018563162302598357,
      ],
      interceptStd: [0.0, 0.004049909766763449, 0.006065680645406246, 0.0054757436737418175, 0.0, 0.003880636068060994],
      log20190601Tau30D: [
        0.0, 0.012332023121416569, -0.0009916580747812986, 0.018776657059788704, 0.0, 0.016173960641026497,
      ],
      log20190601Tau30DStd: [
        0.0, 0.009663495235145092, 0.014473329298198223, 0.013065679930150509, 0.0, 0.009259591810405254,
      ],
      residue: [0.0, 0.007800877559930086, 0.011683627031743526, 0.010547298938035965, 0.0, 0.007474825717508793],
      semiAnnualAmplitude: [
        0.0, 0.0031995829194784164, 0.0013523412635549903, 0.004456182010471821, 0.0, 0.003979893401265144,
      ],
      semiAnnualPhase: [0.0, 1.3234225511550903, 0.23947784304618835, 1.1615549325942993, 0.0, 1.2563265562057495],
      step20190301: [0.0, 0.0020448185969144106, 0.00369523954577744, 0.0018781120888888836, 0.0, 0.001336372341029346],
      step20190301Std: [
        0.0, 0.0023148066829890013, 0.0034669607412070036, 0.0031297707464545965, 0.0, 0.002218055073171854,
      ],
      velocity: [0.0, 0.05347845330834389, 0.08773503452539444, 0.06860435009002686, 0.0, 0.0867544561624527],
      velocityStd: [0.0, 0.02300332486629486, 0.03445282205939293, 0.031102003529667854, 0.0, 0.02204185724258423],
    },
  },
  select: {
    attrs: {
      END_DATE: '20191015',
      START_DATE: '20181125',
      'mintpy.timeFunc.bootstrapCount': '400',
      'mintpy.timeFunc.endDate': '20191020',
      'mintpy.timeFunc.excludeDate': "['20190119', '20190131']",
      'mintpy.timeFunc.exp': '[]',
      'mintpy.timeFunc.log': '[]',
      'mintpy.timeFunc.periodic': '[2.0]',
      'mintpy.timeFunc.polynomial': '1',
      'mintpy.timeFunc.startDate': '20181120',
      'mintpy.timeFunc.stepDate': '[]',
      'mintpy.timeFunc.timeSeriesCovFile': 'None',
      'mintpy.timeFunc.uncertaintyQuantification': 'residue',
    },
    units: {
      intercept: 'm',
      interceptStd: 'm',
      'period2.0YAmplitude': 'm',
      'period2.0YPhase': 'radian',
      residue: 'm',
      velocity: 'm/year',
      velocityStd: 'm/year',
    },
    data: {
      intercept: [0.0, 0.010083715431392193, 0.02174551784992218, 0.03253316879272461, 0.0, 0.005817701108753681],
      interceptStd: [0.0, 0.005255173426121473, 0.007302551530301571, 0.0074636852368712425, 0.0, 0.005997666623443365],
      'period2.0YAmplitude': [
        0.0, 0.005610097665339708, 0.012483724392950535, 0.027608223259449005, 0.0, 0.013515445403754711,
      ],
      'period2.0YPhase': [0.0, -3.0458548069000244, -1.8197665214538574, -1.2571758031845093, 0.0, 0.1611527055501938],
      residue: [0.0, 0.008002305403351784, 0.011119946837425232, 0.011365313082933426, 0.0, 0.009132935665547848],
      velocity: [0.0, 0.023299608379602432, 0.001456335186958313, -0.032002974301576614, 0.0, 0.022227441892027855],
      velocityStd: [0.0, 0.011683709919452667, 0.016235599294304848, 0.016593843698501587, 0.0, 0.013334477320313454],
    },
  },
};

/** 'full' run: the Std datasets recomputed by numpy in float64 (MintPy inverts GᵀG in float32) */
const EXACT64: Record<string, number[]> = {
  interceptStd: [0.0, 0.004049858897736117, 0.006065605529783949, 0.005475675332193349, 0, 0.0038805878573138297],
  velocityStd: [0.0, 0.02300294435482065, 0.03445225870904008, 0.031101492212955325, 0, 0.022041495469306865],
  accelerationStd: [0.0, 0.06066406776861165, 0.09085854944777759, 0.08202180565273033, 0, 0.058128505388109646],
  step20190301Std: [0.0, 0.0023147952508525385, 0.003466944214213867, 0.003129755276475672, 0, 0.0022180442749863394],
  exp20190415Tau60DStd: [0.0, 0.01514886876472653, 0.022688953978288406, 0.020482265950553694, 0, 0.01451569490811158],
  log20190601Tau30DStd: [
    0.0, 0.009662145518724652, 0.014471309931492874, 0.013063855608035661, 0, 0.009258298998150732,
  ],
};

describe('fitTile vs MintPy on embedded synthetic series', () => {
  for (const tag of Object.keys(MINTPY)) {
    it(`${tag}: names, units, attributes and every dataset ≤ 1e-5`, () => {
      const ref = MINTPY[tag];
      const opts = parseTimeFuncOptions(ref.attrs);
      const out = fitTile({
        dates: DATES,
        ts: TS,
        numPixels: P,
        model: opts.model,
        startDate: opts.startDate,
        endDate: opts.endDate,
        excludeDate: opts.excludeDate,
        centerLineUtc: 49956,
        refPixel: 0,
      });
      expect(out.datesUsed[0]).toBe(ref.attrs.START_DATE);
      expect(out.datesUsed[out.datesUsed.length - 1]).toBe(ref.attrs.END_DATE);
      expect(out.specs.map((s) => s.name).sort()).toEqual(Object.keys(ref.data).sort());
      for (const s of out.specs) expect(s.unit, s.name).toBe(ref.units[s.name]);
      const attrs = timeFuncAttributes(opts);
      for (const k of ['polynomial', 'periodic', 'stepDate', 'exp', 'log', 'startDate', 'endDate', 'excludeDate'])
        expect(attrs[`mintpy.timeFunc.${k}`], k).toBe(ref.attrs[`mintpy.timeFunc.${k}`]);
      const msgs: string[] = [];
      for (const s of out.specs) {
        let worst = 0;
        let worstRel = 0;
        for (let p = 0; p < P; p++) {
          const d = Math.abs(out.datasets[s.name][p] - ref.data[s.name][p]);
          worst = Math.max(worst, d);
          if (ref.data[s.name][p] !== 0) worstRel = Math.max(worstRel, d / Math.abs(ref.data[s.name][p]));
        }
        msgs.push(`${s.name} ${worst.toExponential(1)}`);
        if (s.kind === 'std' && tag === 'full') {
          // MintPy inverts GᵀG in float32 (cond(G) ≈ 354 here → cond(GᵀG) ≈ 1.3e5): its Std carries ~1e-5 … 1e-4
          // relative round-off against the float64 value; fitTile replays that float32 inverse (float32Gram), so
          // it equals MintPy's, and sits as far from float64 as MintPy does
          let d64 = 0;
          let m64 = 0;
          for (let p = 0; p < P; p++) {
            const e = Math.max(EXACT64[s.name][p], 1e-12);
            d64 = Math.max(d64, Math.abs(out.datasets[s.name][p] - EXACT64[s.name][p]) / e);
            m64 = Math.max(m64, Math.abs(ref.data[s.name][p] - EXACT64[s.name][p]) / e);
          }
          msgs.push(`(rel. ${worstRel.toExponential(1)}; float64 is ${m64.toExponential(1)} away from MintPy)`);
          expect(Math.abs(d64 - m64), `${s.name}: as far from float64 as MintPy`).toBeLessThan(1e-6);
          expect(worstRel, `${tag}: ${s.name} max relative |Δ| = ${worstRel.toExponential(2)}`).toBeLessThan(1e-6);
        } else {
          expect(worst, `${tag}: ${s.name} max |Δ| = ${worst.toExponential(2)}`).toBeLessThanOrEqual(1e-5);
        }
      }
      console.log(`${tag}: max |Δ| ${msgs.join(', ')}`);
      expect(out.mask[4]).toBe(0);
      expect(out.mask[0]).toBe(1);
    });
  }
});
