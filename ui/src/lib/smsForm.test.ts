import { describe, expect, it } from 'vitest';
import { checkDraft, fieldSlug, initialDraft, splitHostPort, suggestName, toSignIn } from './smsForm';

describe('the SMS sign-in form', () => {
  it('suggests a name no saved account has', () => {
    expect(suggestName([])).toBe('sms');
    expect(suggestName(['sms', 'sms-2'])).toBe('sms-3');
  });

  it('starts again from a saved account’s server line, IPv6 included', () => {
    expect(splitHostPort('gw.example.com:7891')).toEqual({ host: 'gw.example.com', port: '7891' });
    expect(splitHostPort('::1:7890')).toEqual({ host: '::1', port: '7890' });
    const draft = initialDraft({ name: 'operator', server: '10.0.0.9:7890', srcId: '1065901234', settings: null }, []);
    expect(draft).toMatchObject({ name: 'operator', host: '10.0.0.9', port: '7890', srcId: '1065901234', spId: '', secret: '' });
  });

  it('finds what the gateway would refuse, field by field', () => {
    const good = { ...initialDraft(null, []), host: 'gw', spId: '901234', secret: ' s ', srcId: '1065901234' };
    expect(checkDraft(good, [])).toEqual({});
    expect(toSignIn(good)).toMatchObject({ port: 7890, sp_id: '901234', secret: ' s ', fee_user_type: 2 });
    expect(checkDraft({ ...good, name: 'a b' }, [])).toEqual({ name: 'invalid' });
    expect(checkDraft(good, ['sms'])).toEqual({ name: 'taken' });
    for (const host of ['', 'cmpp://gw', 'gw:7890', 'g w']) expect(checkDraft({ ...good, host }, [])).toEqual({ host: 'invalid' });
    expect(checkDraft({ ...good, host: 'fe80::1' }, [])).toEqual({});
    for (const port of ['0', '65536', '78x', '']) expect(checkDraft({ ...good, port }, [])).toEqual({ port: 'invalid' });
    expect(checkDraft({ ...good, spId: '1234567' }, [])).toEqual({ spId: 'invalid' });
    expect(checkDraft({ ...good, secret: '' }, [])).toEqual({ secret: 'invalid' });
    expect(checkDraft({ ...good, srcId: '1'.repeat(22) }, [])).toEqual({ srcId: 'invalid' });
    expect(checkDraft({ ...good, serviceId: 'ABCDEFGHIJK' }, [])).toEqual({ serviceId: 'invalid' });
    expect(checkDraft({ ...good, feeType: '1' }, [])).toEqual({ feeType: 'invalid' });
    expect(checkDraft({ ...good, feeCode: '1234567' }, [])).toEqual({ feeCode: 'invalid' });
  });

  it('names its inputs as the end-to-end test finds them', () => {
    expect((['name', 'spId', 'srcId', 'serviceId'] as const).map(fieldSlug)).toEqual([
      'name',
      'sp-id',
      'src-id',
      'service-id',
    ]);
  });
});
