/**
 * The language of a request by script and common words (session 17: moved unchanged from bench/routing/score.ts,
 * where it labelled the per-language tables, so the shipped kind bias reads a request's language the way the rule
 * that chose it did). Returns one of en zh ja ko de fr es pt ru; anything else reads as en.
 */
export function detectLanguage(text: string): string {
  const prose = text.replace(/```[\s\S]*?(?:```|$)/g, ' ').slice(0, 2000);
  const count = (re: RegExp): number => prose.match(re)?.length ?? 0;
  if (count(/[\u3040-\u30ff]/g) >= 2) return 'ja';
  if (count(/[\uac00-\ud7af]/g) >= 2) return 'ko';
  if (count(/[\u4e00-\u9fff]/g) >= 2) return 'zh';
  if (count(/[\u0400-\u04ff]/g) >= 4) return 'ru';
  const words = prose.toLowerCase().match(/\p{L}+/gu) ?? [];
  const hits = (list: string[]): number => words.filter((w) => list.includes(w)).length;
  const scores: [string, number][] = [
    ['en', hits(['the', 'and', 'is', 'this', 'to', 'of', 'in', 'it', 'with', 'that', 'for', 'my', 'we', 'how', 'what'])],
    ['de', hits(['der', 'die', 'das', 'und', 'ist', 'nicht', 'mit', 'ich', 'wir', 'für', 'bitte', 'eine', 'ein', 'den', 'dem', 'auf', 'wie'])],
    ['fr', hits(['le', 'la', 'les', 'et', 'est', 'une', 'des', 'pour', 'dans', 'pas', 'nous', 'avec', 'du', 'ce', 'qui', 'sur'])],
    ['es', hits(['el', 'los', 'las', 'una', 'es', 'para', 'por', 'con', 'que', 'del', 'esta', 'este', 'cómo', 'qué', 'pero', 'y'])],
    ['pt', hits(['o', 'os', 'as', 'uma', 'para', 'com', 'não', 'que', 'do', 'da', 'esta', 'este', 'como', 'em', 'no', 'na', 'é'])],
  ];
  scores.sort((a, b) => b[1] - a[1]);
  return scores[0][1] > 0 ? scores[0][0] : 'en';
}
