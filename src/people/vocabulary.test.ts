import { isValidNhsNumber } from './vocabulary';

describe('NHS number check digit', () => {
  it.each([
    ['9434765919', true],
    ['943 476 5919', true],
    ['9434765918', false],
    ['4010232137', true],
    ['401023213', false],
    ['40102321370', false],
    ['abcdefghij', false],
    // weights give remainder 1 -> check 10, which is never issued
    ['1000000010', false],
  ])('given %s, the number is valid: %s', (value, valid) => {
    expect(isValidNhsNumber(value)).toBe(valid);
  });
});
