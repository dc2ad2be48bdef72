import * as assert from 'node:assert/strict';
import { Calendar, periodAt } from '../../src/core/calendar';

const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar periods in a time zone', () => {
  it('dates an event by the local day, not the UTC day', () => {
    const tokyo = new Calendar('Asia/Tokyo');
    assert.equal(tokyo.dateKey(Date.parse('2026-11-20T15:30:00Z')), '2026-11-21');
    assert.equal(new Calendar('America/Los_Angeles').dateKey(Date.parse('2026-11-21T07:59:00Z')), '2026-11-20');
  });

  it('handles zones with quarter-hour offsets at midnight', () => {
    const kathmandu = new Calendar('Asia/Kathmandu'); // UTC+5:45
    assert.equal(kathmandu.dateKey(Date.parse('2026-11-20T18:14:00Z')), '2026-11-20');
    assert.equal(kathmandu.dateKey(Date.parse('2026-11-20T18:15:00Z')), '2026-11-21');
  });

  it('gives a 23-hour day on the spring DST change and a 25-hour day in autumn', () => {
    const berlin = new Calendar('Europe/Berlin');
    const spring = periodAt(berlin, 'day', Date.parse('2026-03-29T12:00:00Z'));
    assert.equal(iso(spring.startMs), '2026-03-28T23:00:00.000Z');
    assert.equal((spring.endMs - spring.startMs) / 3_600_000, 23);
    const autumn = periodAt(berlin, 'day', Date.parse('2026-10-25T12:00:00Z'));
    assert.equal((autumn.endMs - autumn.startMs) / 3_600_000, 25);
  });

  it('spans a local day only with instants of that day, the whole day when its offset does not change', () => {
    // Asuncion put its clock back from 00:00 to 23:00 of the day before on 2024-03-24: that day's instants are not one
    // span. Berlin and New York change at 02:00/03:00, Lord Howe by half an hour.
    const cases: Array<[string, string]> = [
      ['America/Asuncion', '2024-03-22T00:00:00Z'],
      ['Europe/Berlin', '2026-03-27T00:00:00Z'],
      ['America/New_York', '2026-11-29T00:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-03T00:00:00Z'],
      ['UTC', '2026-03-27T00:00:00Z'],
      [undefined as unknown as string, '2026-03-27T00:00:00Z'],
    ];
    for (const [zone, from] of cases) {
      const calendar = new Calendar(zone);
      let wholeDays = 0;
      const spans = new Set<number>();
      for (let t = Date.parse(from); t < Date.parse(from) + 4 * 86_400_000; t += 7 * 60_000 + 13) {
        const day = calendar.localDayAt(t);
        assert.equal(day.key, calendar.dateKey(t), `${zone} ${iso(t)}`);
        assert.ok(day.startMs <= t && t < day.endMs, `${zone} ${iso(t)}`);
        if (day.endMs - day.startMs === 86_400_000) wholeDays++;
        else assert.equal(day.endMs - day.startMs, 1, `${zone} ${iso(t)}: a part of a day`);
        if (!spans.has(day.startMs)) for (let s = day.startMs; s < day.endMs; s += 60_000) assert.equal(calendar.dateKey(s), day.key, `${zone} ${iso(t)} -> ${iso(s)}`);
        assert.equal(calendar.dateKey(day.endMs - 1), day.key);
        spans.add(day.startMs);
        // (Asuncion's 2024-03-23 goes on past its span: 00:00 of the 24th became 23:00 of the 23rd again.)
        if (day.endMs - day.startMs > 1 && calendar.offsetMs(day.endMs) === calendar.offsetMs(day.startMs)) assert.notEqual(calendar.dateKey(day.endMs), day.key, `${zone} ${iso(t)}: the span ends with the day`);
      }
      assert.ok(wholeDays > 0, zone);
    }
  });

  it('gives every instant the offset Intl gives, DST days included', function () {
    this.timeout(20_000);
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns']) {
      const calendar = new Calendar(zone);
      const intl = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
      const intlOffset = (ms: number) => {
        const p = Object.fromEntries(intl.formatToParts(ms).filter((x) => x.type !== 'literal').map((x) => [x.type, Number(x.value)]));
        return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
      };
      // Every 29 minutes through 2026, in a scrambled order: DST changes in both hemispheres included.
      const start = Date.UTC(2026, 0, 1);
      const samples = 18_200;
      for (let i = 0; i < samples; i++) {
        const ms = start + ((i * 7919) % samples) * 29 * 60_000 + 13_000;
        assert.equal(calendar.offsetMs(ms), intlOffset(ms), `${zone} at ${new Date(ms).toISOString()}`);
      }
    }
  });

  it('needs no Intl for UTC and its aliases, and agrees with a zone that is always UTC+0', () => {
    const abidjan = new Calendar('Africa/Abidjan');
    for (const name of ['UTC', 'utc', 'Etc/UTC', 'GMT', 'Etc/Universal', 'Zulu']) {
      const calendar = new Calendar(name);
      assert.equal(calendar.timeZone, 'UTC');
      for (let ms = Date.UTC(2026, 2, 1); ms < Date.UTC(2026, 3, 1); ms += 3_600_000) assert.equal(calendar.dateKey(ms), abidjan.dateKey(ms));
    }
  });

  it('reads the system zone without Intl and agrees with the same zone by name, across DST changes', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
        process.env.TZ = zone; // Node re-reads the zone for Date when TZ is assigned
        const system = new Calendar(undefined, { systemZoneName: zone });
        const named = new Calendar(zone);
        assert.equal(system.timeZone, zone);
        for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 7 * 3_600_000 + 900_000) {
          assert.equal(system.offsetMs(ms), named.offsetMs(ms), `${zone} at ${iso(ms)}`);
          assert.equal(system.dateKey(ms), named.dateKey(ms), `${zone} at ${iso(ms)}`);
        }
        for (const day of [1, 15, 28]) assert.equal(system.startOfLocalDay(2026, 3, day), named.startOfLocalDay(2026, 3, day), `${zone} March ${day}`);
      }
      process.env.TZ = 'Asia/Tokyo';
      assert.equal(new Calendar().timeZone, 'Asia/Tokyo', 'without a known name, Intl names the zone when asked');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('starts weeks on the configured weekday', () => {
    const utc = new Calendar('UTC');
    const wednesday = Date.parse('2026-11-25T10:00:00Z');
    assert.equal(iso(periodAt(utc, 'week', wednesday, { weekStartsOn: 1 }).startMs), '2026-11-23T00:00:00.000Z');
    assert.equal(iso(periodAt(utc, 'week', wednesday, { weekStartsOn: 0 }).startMs), '2026-11-22T00:00:00.000Z');
  });

  it('resets months on the configured day, clamped to short months', () => {
    const utc = new Calendar('UTC');
    const before = periodAt(utc, 'month', Date.parse('2026-11-10T00:00:00Z'), { resetDayOfMonth: 15 });
    assert.deepEqual([iso(before.startMs), iso(before.endMs)], ['2026-10-15T00:00:00.000Z', '2026-11-15T00:00:00.000Z']);
    const february = periodAt(utc, 'month', Date.parse('2027-03-01T12:00:00Z'), { resetDayOfMonth: 31 });
    assert.deepEqual([iso(february.startMs), iso(february.endMs)], ['2027-02-28T00:00:00.000Z', '2027-03-31T00:00:00.000Z']);
    const january = periodAt(utc, 'month', Date.parse('2027-01-05T00:00:00Z'), { resetDayOfMonth: 10 });
    assert.equal(iso(january.startMs), '2026-12-10T00:00:00.000Z');
  });
});
