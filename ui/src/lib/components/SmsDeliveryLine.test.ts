import { render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { SmsDelivery } from '../bindings/SmsDelivery';
import { clock } from '../clock.svelte';
import { i18n } from '../i18n/index.svelte';
import SmsDeliveryLine from './SmsDeliveryLine.svelte';

function line(partial: Partial<SmsDelivery>): Element | null {
  const delivery: SmsDelivery = { parts: 1, sent: 1, delivered: 0, failure: null, twice: 'no', scheduled: false, scheduled_for_ms: null, ...partial };
  const { container } = render(SmsDeliveryLine, { delivery });
  return container.querySelector('.sms-delivery');
}

describe('SmsDeliveryLine', () => {
  afterEach(() => {
    i18n.setChoice('system');
    clock.now = Date.now();
  });

  it('says nothing when there is nothing to add to the status icon', () => {
    expect(line({ parts: 1, sent: 1, delivered: 0 })).toBeNull();
    expect(line({ parts: 3, sent: 3, delivered: 3 })).toBeNull();
  });

  it('shows a long text’s parts on their way', () => {
    expect(line({ parts: 3, sent: 1 })).toHaveTextContent('1 of 3 SMS sent');
    expect(line({ parts: 3, sent: 3, delivered: 2 })).toHaveTextContent('2 of 3 SMS delivered');
    expect(line({ parts: 2, sent: 2, delivered: 0 })).toHaveTextContent('0 of 2 SMS delivered');
  });

  it('shows the gateway’s failure code verbatim, as text', () => {
    for (const stat of ['UNDELIV', 'EXPIRED', 'MA:0001', '<b>x</b>']) {
      const shown = line({ parts: 3, sent: 3, delivered: 2, failure: stat });
      expect(shown).toHaveTextContent(`Failed: ${stat}`);
      expect(shown!.querySelector('code')).toHaveTextContent(stat);
      expect(shown!.querySelector('b')).toBeNull();
      // A failed text has no progress to show.
      expect(shown).not.toHaveTextContent('delivered');
    }
  });

  it('says when a text may have gone twice, more strongly when it did', () => {
    const maybe = line({ twice: 'maybe', delivered: 1 });
    expect(maybe).toHaveTextContent('May have been sent twice');
    expect(maybe!.querySelector('[title]')).toHaveAttribute('title', expect.stringContaining('may show it twice'));
    const yes = line({ twice: 'yes', delivered: 1 });
    expect(yes).toHaveTextContent('Sent twice');
    expect(yes).not.toHaveTextContent('May have');
  });

  it('says a text is scheduled until it is delivered', () => {
    expect(line({ scheduled: true, sent: 1 })).toHaveTextContent('Scheduled');
    expect(line({ scheduled: true, sent: 1, delivered: 1 })).toBeNull();
    expect(line({ parts: 2, sent: 2, delivered: 1, scheduled: true, twice: 'maybe' })).toHaveTextContent(
      /^1 of 2 SMS delivered\s+May have been sent twice\s+Scheduled$/,
    );
  });

  it('says when a scheduled text is to go: the time today, with its date otherwise', () => {
    i18n.setChoice('en');
    clock.now = new Date(2031, 2, 4, 12, 0).getTime();
    const today = line({ scheduled: true, sent: 1, scheduled_for_ms: new Date(2031, 2, 4, 21, 30).getTime() });
    expect(today).toHaveTextContent(/^Scheduled for 9:30\sPM$/);
    expect(today!.querySelector('span')).toHaveAttribute('title', 'The gateway holds it until its send time.');
    const tomorrow = line({ scheduled: true, sent: 0, scheduled_for_ms: new Date(2031, 2, 5, 9, 5).getTime() });
    expect(tomorrow).toHaveTextContent(/^Scheduled for Wed, Mar 5, 9:05\sAM$/);
    const nextYear = line({ scheduled: true, scheduled_for_ms: new Date(2032, 0, 2, 9, 5).getTime() });
    expect(nextYear).toHaveTextContent(/^Scheduled for Jan 2, 2032, 9:05\sAM$/);
    // Unknown time (scheduled through the gateway user): the word alone.
    expect(line({ scheduled: true, scheduled_for_ms: null })).toHaveTextContent(/^Scheduled$/);
    // Delivered: no longer news.
    expect(line({ scheduled: true, delivered: 1, scheduled_for_ms: new Date(2031, 2, 5, 9, 5).getTime() })).toBeNull();
    i18n.setChoice('zh-CN');
    expect(line({ scheduled: true, scheduled_for_ms: new Date(2031, 2, 5, 9, 5).getTime() })).toHaveTextContent(
      /^定于 3月5日周三 9:05 发送$/,
    );
  });

  it('shows no failure for a text the user cancelled', () => {
    expect(line({ failure: 'CANCELED', scheduled: true, scheduled_for_ms: Date.now() + 3_600_000 })).toBeNull();
    expect(line({ failure: 'CANCELED', twice: 'maybe' })).not.toHaveTextContent('Failed');
  });

  it('is in Chinese for a zh-CN user, the gateway’s code as it came', () => {
    i18n.setChoice('zh-CN');
    expect(line({ failure: 'UNDELIV' })).toHaveTextContent('发送失败：UNDELIV');
    expect(line({ parts: 3, sent: 3, delivered: 1 })).toHaveTextContent('已送达 1/3 条短信');
    expect(line({ twice: 'maybe', delivered: 1 })).toHaveTextContent('可能已重复发送');
  });
});
