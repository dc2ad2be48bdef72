// The tuning set: hand-written labelled requests in nine languages (bench/routing/tune/*.tsv: the
// project's own `<lang>.tsv` and `mixed*.tsv`, and `indep-data<X>-*.tsv` written by independent data
// helpers A-Z and AA-AJ who saw only the label definitions, see bench/routing/README.md), the tuning half (even
// lines) of eval.jsonl, since session 5 the first independent held-out set
// (bench/eval-independent/routing/heldout.jsonl, author `heldout1`), moved to tuning after its single
// evaluation, since session 13 the tenth and eleventh sets (`tunedHeldOutSets`, authors `heldout10`,
// `heldout11`), since session 14 the twelfth and thirteenth (`heldout12`, `heldout13`), since session 14b the
// fourteenth and fifteenth (`heldout14`, `heldout15`) since session 15 the sixteenth (`heldout16`) since session 16 the seventeenth (`heldout17`), since session 17 the eighteenth (`heldout18`), since session 18 the nineteenth (`heldout19`), since session 19 the twentieth (`heldout20`), since session 20 the twenty-first (`heldout21`), since session 20b the twenty-second (`heldout22`), since session 21 the twenty-third (`heldout23`), since session 21b the twenty-fourth (`heldout24`), since session 21c the twenty-fifth and twenty-sixth (`heldout25`, `heldout26`) and since session 22 the twenty-seventh and twenty-eighth (`heldout27`, `heldout28`), each moved the same way after its evaluation. Only this trains the model; the held-out half of eval.jsonl, the second to ninth
// independent sets (bench/eval-independent/routing2/ … routing9/, heldOut.ts `evaluationSets`) and the public RouteLLM sets are only ever evaluated.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tier } from '../../src/core/router';
import { detectLanguage, type LabelledRow } from './score';

const tiersSet = new Set(['small', 'medium', 'large']);
const kinds = new Set(['completion', 'rename', 'edit', 'docstring', 'question', 'test', 'docs', 'review', 'bugfix', 'refactor', 'feature', 'architecture', 'other']);

/** The author of a tune/ file: `indep-data<X>-<n>.tsv` (one or two capital letters, AA since session 18) or the project's own. */
export const tuneFileAuthor = (file: string): string => /^indep-(data[A-Z]{1,2})-/.exec(file)?.[1] ?? 'own';

export function loadTuneTsv(dir = join(__dirname, 'tune')): LabelledRow[] {
  const rows: LabelledRow[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort()) {
    // `<lang>.tsv` holds one language; other files name it in their first column.
    const fileLang = /^[a-z]{2}\.tsv$/.test(file) ? file.slice(0, 2) : undefined;
    const author = tuneFileAuthor(file);
    readFileSync(join(dir, file), 'utf8').split('\n').forEach((line, i) => {
      if (!line.trim() || line.startsWith('#')) return;
      const cols = line.split('\t');
      const lang = fileLang ?? cols.shift()!;
      const [tier, kind, ctx, ...rest] = cols;
      const prompt = rest.join('\t').replace(/\\n/g, '\n');
      if (!tiersSet.has(tier) || !kinds.has(kind) || !prompt) throw new Error(`${file}:${i + 1}: bad row`);
      rows.push({ prompt, contextTokens: Number(ctx) || 0, tier: tier as Tier, kind, lang, author });
    });
  }
  return rows;
}

/**
 * Lines (1-based) of eval.jsonl's tuning half left out of tuning because an evaluation set has the same prompt
 * (importIncoming.ts --recheck names them): line 19 repeats an eighteenth-set prompt, found in session 16 only after
 * that set was scored (the recheck did not yet read eval.jsonl); session 16's model was trained with it. Since session 17 the
 * eighteenth set is tuning data itself, so the prompt trains once, as heldout18's row.
 */
export const evalTuningNotTuning: ReadonlySet<number> = new Set([19]);

function loadEvalJsonl(): { prompt: string; contextTokens: number; tier: Tier }[] {
  return readFileSync(join(__dirname, 'eval.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** The first independent held-out set: evaluated once (session 4), tuning data since session 5. Frozen. */
export const firstHeldOutSha256 = '2bc738a016e0b0118df74e62474f9b3305393a1a207f0ac2833c1c1b5e791561';
export const firstHeldOutPath = join(__dirname, '../eval-independent/routing/heldout.jsonl');

/**
 * Rows of the first set (by id) that do not train: a later evaluation set has the same prompt, and the file is frozen,
 * so they are left out here (importIncoming.ts --recheck names them). Session 11: h292 is also a prompt of the ninth set (session 12: and of the eleventh).
 */
export const firstHeldOutNotTuning: ReadonlySet<string> = new Set(['h292']);

interface HeldOutRow { id: string; prompt: string; contextTokens?: number; tier: Tier; kind: string; lang: string }

/** A frozen held-out file's rows, its sha256 checked first. */
function loadFrozen(path: string, sha256: string): HeldOutRow[] {
  const bytes = readFileSync(path);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== sha256) throw new Error(`${path}: sha256 ${sha}, expected ${sha256} (the set is frozen)`);
  return bytes.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as HeldOutRow);
}

export function loadFirstHeldOut(options: { tuning?: boolean } = {}): LabelledRow[] {
  return loadFrozen(firstHeldOutPath, firstHeldOutSha256).filter((r) => !options.tuning || !firstHeldOutNotTuning.has(r.id))
    .map((r) => ({ prompt: r.prompt, contextTokens: r.contextTokens ?? 0, tier: r.tier, kind: r.kind, lang: r.lang, author: 'heldout1' }));
}

/** A later independent held-out set that, once scored, became tuning data (as the first did in session 5). */
export interface TunedHeldOutSet {
  /** heldOut.ts flag that still prints it, as tuned-on data. */
  flag: string;
  name: string;
  /** Its author in cross-validation. */
  author: string;
  /** Path inside bench/eval-independent/. */
  file: string;
  /** Recorded when it was copied in, before its single evaluation; the file stays frozen. */
  sha256: string;
  /** The session it was scored in (once), and the session whose tuning first read it. */
  scored: string;
  tuningSince: string;
  /**
   * Rows (by id) left out of tuning because an evaluation set (eval.jsonl's odd lines, sets 2-9, or a later set not yet
   * scored) has the same prompt (up to case and spacing); importIncoming.ts --recheck-frozen names them, file and id only.
   * Session 13 left h11-0256 out because the thirteenth set repeats it; the thirteenth is tuning data since session 14
   * and trains that prompt with its own row, so h11-0256 stays out (one copy of the prompt, not two).
   */
  notTuning: ReadonlySet<string>;
}

export const tunedHeldOutSets: readonly TunedHeldOutSet[] = [
  { flag: '--tenth', name: 'Tenth', author: 'heldout10', file: 'routing10/heldout10.jsonl', sha256: '35da1df969e218c0e4bc208cc5de491f42e405b2d0ca427d553a5a9b3a07eba7', scored: 'session 12', tuningSince: 'session 13', notTuning: new Set(['h10-0101', 'h10-0117', 'h10-0358', 'h10-0453', 'h10-0502']) },
  { flag: '--eleventh', name: 'Eleventh', author: 'heldout11', file: 'routing11/heldout11.jsonl', sha256: 'd556f573c4a22318c7893fd819c8fd4588221ab6a988e3b034cd0caa779fc0fc', scored: 'session 12', tuningSince: 'session 13', notTuning: new Set(['h11-0128', 'h11-0174', 'h11-0250', 'h11-0256', 'h11-0344', 'h11-0416']) },
  { flag: '--twelfth', name: 'Twelfth', author: 'heldout12', file: 'routing12/heldout12.jsonl', sha256: 'e542e810247b31d2f7b69d9ea5b85c68087cd258e3086806db33c665dab98c5f', scored: 'session 13 (twice)', tuningSince: 'session 14', notTuning: new Set(['h12-0011', 'h12-0067', 'h12-0168', 'h12-0317', 'h12-0408', 'h12-0427', 'h12-0535', 'h12-0561']) },
  { flag: '--thirteenth', name: 'Thirteenth', author: 'heldout13', file: 'routing13/heldout13.jsonl', sha256: 'fddb578df865634c67f7c4abf4bc27231be85465dd7ec2ada073cc641658648a', scored: 'session 13', tuningSince: 'session 14', notTuning: new Set(['h13-0005', 'h13-0035', 'h13-0059', 'h13-0166', 'h13-0207', 'h13-0252', 'h13-0258', 'h13-0266', 'h13-0276', 'h13-0313', 'h13-0390', 'h13-0410', 'h13-0551', 'h13-0573', 'h13-0599']) },
  { flag: '--fourteenth', name: 'Fourteenth', author: 'heldout14', file: 'routing14/heldout14.jsonl', sha256: '7f408b2ad98d0308ef214cfbff5db2f5d34dc33d7a1b33038cb97feecc2e8190', scored: 'session 14', tuningSince: 'session 14b', notTuning: new Set(['h14-0255']) },
  { flag: '--fifteenth', name: 'Fifteenth', author: 'heldout15', file: 'routing15/heldout15.jsonl', sha256: '59cb6468cc354ba9fda1ec6cd24edf9624adce66c487ebb94095c2f175c2b39d', scored: 'session 14', tuningSince: 'session 14b', notTuning: new Set(['h15-0111', 'h15-0439']) },
  { flag: '--sixteenth', name: 'Sixteenth', author: 'heldout16', file: 'routing16/heldout16.jsonl', sha256: '4006870c659b70130265642a20d07dce2ed92e34ade0eeca3f1c2e9b7e6602d2', scored: 'session 14b', tuningSince: 'session 15', notTuning: new Set(['h16-0032', 'h16-0067', 'h16-0276', 'h16-0343', 'h16-0518']) },
  { flag: '--seventeenth', name: 'Seventeenth', author: 'heldout17', file: 'routing17/heldout17.jsonl', sha256: '26b16eabc46a5f47091425470a8700802b4199ea35d0630e4238aafd1eb2f9cc', scored: 'session 15', tuningSince: 'session 16', notTuning: new Set(['h17-0318', 'h17-0320', 'h17-0338', 'h17-0479', 'h17-0554', 'h17-0583']) },
  { flag: '--eighteenth', name: 'Eighteenth', author: 'heldout18', file: 'routing18/heldout18.jsonl', sha256: '17588200683671ed2be2848e2f33bf22c1165cbcc394b992b812d6c2e5302dd6', scored: 'session 16', tuningSince: 'session 17', notTuning: new Set(['h18-0260', 'h18-0368']) },
  { flag: '--nineteenth', name: 'Nineteenth', author: 'heldout19', file: 'routing19/heldout19.jsonl', sha256: '8e7e58f80f4961b00d72e8240330a76517ee88b239640eec16050a8fe8623847', scored: 'session 17', tuningSince: 'session 18', notTuning: new Set(['h19-0348']) },
  { flag: '--twentieth', name: 'Twentieth', author: 'heldout20', file: 'routing20/heldout20.jsonl', sha256: '4f927f4b16c01feea2d1d48b490a7a17ce77496fb7ee70be45db6ae91899878e', scored: 'session 18', tuningSince: 'session 19', notTuning: new Set(['h20-0122', 'h20-0155', 'h20-0250', 'h20-0447', 'h20-0464', 'h20-0530', 'h20-0571', 'h20-0587']) },
  { flag: '--twentyfirst', name: 'Twenty-first', author: 'heldout21', file: 'routing21/heldout21.jsonl', sha256: '7fe208e4277e3d27ec9e12dcbdaebbd77a148255df8effd945035e2e0e2fb7f4', scored: 'session 19', tuningSince: 'session 20', notTuning: new Set(['h21-0290', 'h21-0446', 'h21-0494', 'h21-0512', 'h21-0570']) },
  { flag: '--twentysecond', name: 'Twenty-second', author: 'heldout22', file: 'routing22/heldout22.jsonl', sha256: 'aba530f3a6c86fac8e7f8af4a7d77695750204ed71e12cd9c1257bb8c31de57f', scored: 'session 20', tuningSince: 'session 20b', notTuning: new Set(['h22-0006', 'h22-0126', 'h22-0338', 'h22-0339', 'h22-0539']) },
  { flag: '--twentythird', name: 'Twenty-third', author: 'heldout23', file: 'routing23/heldout23.jsonl', sha256: 'ffd30b4358e569bab027276d906dc53c66403931fc5ef86b2685def8bc05a4c5', scored: 'session 20b', tuningSince: 'session 21', notTuning: new Set(['h23-0101', 'h23-0121', 'h23-0198', 'h23-0394']) },
  { flag: '--twentyfourth', name: 'Twenty-fourth', author: 'heldout24', file: 'routing24/heldout24.jsonl', sha256: 'dca6a580a1689b02cd1dfeee333278e6deb773b1c707c913e8b79142aae5bc72', scored: 'session 21', tuningSince: 'session 21b', notTuning: new Set(['h24-0172', 'h24-0173']) },
  { flag: '--twentyfifth', name: 'Twenty-fifth', author: 'heldout25', file: 'routing25/heldout25.jsonl', sha256: '601ffbf700930db653264284fe8ef17d4e3872054ef8879cc28cc8bf79c4587c', scored: 'session 21b', tuningSince: 'session 21c', notTuning: new Set(['h25-0446']) },
  // h26-0506: the fifth set repeats it. h26-0239 repeats h25-0086, and the six others a tuning row already repeated (not
  // scored in session 21b): they stay out, one copy of each prompt, not two.
  { flag: '--twentysixth', name: 'Twenty-sixth', author: 'heldout26', file: 'routing26/heldout26.jsonl', sha256: 'f329ec8995475ead962fc1af33d862725dc9a38f59e3d335fbb2a2207c6996a6', scored: 'session 21b', tuningSince: 'session 21c', notTuning: new Set(['h26-0049', 'h26-0181', 'h26-0194', 'h26-0239', 'h26-0240', 'h26-0388', 'h26-0506', 'h26-0517', 'h26-0584', 'h26-0600']) },
  // The rows heldOut.ts did not score in session 21c (a tuning row already repeated them) stay out: one copy of each prompt.
  // h28-0008 and h28-0424: the sixth and seventh sets repeat them. h28-0050 and h28-0410 repeat h27-0222 and h27-0554.
  { flag: '--twentyseventh', name: 'Twenty-seventh', author: 'heldout27', file: 'routing27/heldout27.jsonl', sha256: 'eae35462ef037ec2d709b4e28f524ba57772fb790f0f767c2a02a9c1bf264cea', scored: 'session 21c', tuningSince: 'session 22', notTuning: new Set(['h27-0102', 'h27-0186']) },
  { flag: '--twentyeighth', name: 'Twenty-eighth', author: 'heldout28', file: 'routing28/heldout28.jsonl', sha256: '31ea498c0ee0bbad25f080a9acdc3f24d446c9f5918681c6f176ccc613e2948a', scored: 'session 21c', tuningSince: 'session 22', notTuning: new Set(['h28-0008', 'h28-0035', 'h28-0050', 'h28-0146', 'h28-0199', 'h28-0344', 'h28-0394', 'h28-0410', 'h28-0418', 'h28-0424', 'h28-0441', 'h28-0455']) },
];

export const tunedHeldOutPath = (set: TunedHeldOutSet): string => join(__dirname, '../eval-independent', set.file);

/** A tuned-on held-out set's rows with ids (sha256 checked); `tuning` leaves out its notTuning rows. */
export function loadTunedHeldOut(set: TunedHeldOutSet, options: { tuning?: boolean } = {}): (LabelledRow & { id: string })[] {
  return loadFrozen(tunedHeldOutPath(set), set.sha256).filter((r) => !options.tuning || !set.notTuning.has(r.id))
    .map((r) => ({ id: r.id, prompt: r.prompt, contextTokens: r.contextTokens ?? 0, tier: r.tier, kind: r.kind, lang: r.lang, author: set.author }));
}

/**
 * Tuning rows: the TSV set (tier and kind), eval.jsonl's even lines (tier only), the first independent held-out set
 * and, since sessions 13, 14, 14b, 15, 16, 17, 18, 19, 20, 20b, 21, 21b, 21c and 22, the tenth to twenty-eighth (tier and kind; each an author of its own in cross-validation).
 */
export function loadTuningRows(): LabelledRow[] {
  const evalTune = loadEvalJsonl().filter((_, i) => i % 2 === 0 && !evalTuningNotTuning.has(i + 1)).map((r) => ({ ...r, lang: detectLanguage(r.prompt), author: 'own' }));
  const tunedSets = tunedHeldOutSets.flatMap((set) => loadTunedHeldOut(set, { tuning: true }).map(({ id: _id, ...row }) => row));
  return [...loadTuneTsv(), ...evalTune, ...loadFirstHeldOut({ tuning: true }), ...tunedSets];
}

/** eval.jsonl's odd lines: the project's own held-out half. */
export function loadOwnHeldOut(): LabelledRow[] {
  return loadEvalJsonl().filter((_, i) => i % 2 === 1);
}
