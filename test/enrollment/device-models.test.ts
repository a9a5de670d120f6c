// Which phone a message names, from the device table (guides/devices.json), and whether it can hold a passkey.

import { describe, expect, it } from 'vitest';
import { DeviceModels } from '../../src/enrollment/device-models.js';

const devices = DeviceModels.load();

describe('a phone named in a message', () => {
  it.each([
    ['how I set it up on android? i have samsung a12', 'Galaxy A12', 'too-old'],
    ['got a Samsung Galaxy-A12 here', 'Galaxy A12', 'too-old'],
    ['my iphone 8 is old', 'iPhone 8', 'too-old'],
    ['i have an iPhone XR', 'iPhone XR', 'supported'],
    ['pixel 6', 'Pixel 6', 'supported'],
    ['galaxy s21 fe', 'Galaxy S21 FE', 'supported'],
  ])('%s → %s (%s)', (text, name, verdict) => {
    const mention = devices.mentionIn(text);
    expect(mention?.model?.name).toBe(name);
    expect(mention?.verdict).toBe(verdict);
  });

  it('names the platform without a model when only the maker or the system is named', () => {
    expect(devices.mentionIn('ok fine. show me how, i have a samsung galaxy')).toEqual({ platform: 'android', required: 14 });
    expect(devices.mentionIn('how do I set it up on my iPhone?')).toEqual({ platform: 'iphone', required: 17 });
    expect(devices.mentionIn('can I use windows hello instead')).toEqual({ platform: 'windows' });
    expect(devices.mentionIn('I have a yubikey from my last job')).toEqual({ platform: 'security-key' });
  });

  it('says when a phone has no Play Store, whatever its system', () => {
    const huawei = devices.table.models.find((model) => model.googleServices === false);
    if (!huawei) throw new Error('the table has no phone without Google services');
    expect(devices.mentionIn(`i have a ${huawei.aliases[0]}`)?.verdict).toBe('no-play-store');
  });

  it('finds nothing in a message that names no phone', () => {
    expect(devices.mentionIn('will my boss see my photos?')).toBeUndefined();
    expect(devices.mentionIn('a12 is the room number')).toBeUndefined();
  });

  it('keeps a source and a date for every model', () => {
    expect(devices.table.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const model of devices.table.models) expect(devices.table.sources[model.source], model.name).toBeDefined();
  });
});
