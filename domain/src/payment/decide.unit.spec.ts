import { describe, it } from 'vitest';
import { CurrencyMismatch, InsufficientCapturedAmount, RequestIdConflict } from '../shared/domainError.js';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { paymentDecider } from './decide.js';
import { commands, events, orderId } from './paymentFixtures.js';
import {
  InsufficientAuthorizedAmount,
  NothingToVoid,
  PaymentAlreadyAuthorized,
  PaymentAlreadyDeclined,
  PaymentAlreadyRequested,
  PaymentNotAuthorized,
  PaymentNotRequested,
  UnknownPaymentRequest,
} from './paymentErrors.js';

const spec = deciderSpecification(paymentDecider);
const { requested, authorized, declined, captured, voided, refunded } = events;

describe('Payment', () => {
  describe('not requested', () => {
    const given = spec.given([]);

    it('requests an authorization', () => {
      given.when(commands.request()).then([requested]);
    });
    it('has no request to be authorized', () => {
      given.when(commands.authorized()).thenThrows(PaymentNotRequested, { orderId });
    });
    it('has no request to be declined', () => {
      given.when(commands.declined()).thenThrows(PaymentNotRequested);
    });
    it.each([
      ['capture', commands.capture('cap-1', 100)],
      ['void', commands.void('void-1')],
      ['refund', commands.refund('ref-1', 100)],
    ])('cannot %s', (_, command) => {
      given.when(command).thenThrows(PaymentNotAuthorized, { code: 'payment_not_authorized', status: 'none' });
    });
  });

  describe('requested', () => {
    const given = spec.given([requested]);

    it('ignores the same request again', () => {
      given.when(commands.request()).thenNothingHappened();
    });
    it('refuses the same request id for another amount', () => {
      given.when(commands.request('auth-1', 9_000)).thenThrows(RequestIdConflict);
    });
    it('refuses a second authorization under another id', () => {
      given.when(commands.request('auth-2')).thenThrows(PaymentAlreadyRequested, { requestId: 'auth-1' });
    });
    it('records the authorization', () => {
      given.when(commands.authorized()).then([authorized]);
    });
    it('refuses an authorization of another amount', () => {
      given.when(commands.authorized('auth-1', 9_999)).thenThrows(RequestIdConflict);
    });
    it('refuses an answer to a request it never made', () => {
      given.when(commands.authorized('auth-9')).thenThrows(UnknownPaymentRequest, { requestId: 'auth-9' });
    });
    it('records the decline', () => {
      given.when(commands.declined()).then([declined]);
    });
    it.each([
      ['capture', commands.capture('cap-1', 100)],
      ['void', commands.void('void-1')],
      ['refund', commands.refund('ref-1', 100)],
    ])('cannot %s before authorization', (_, command) => {
      given.when(command).thenThrows(PaymentNotAuthorized, { status: 'requested' });
    });
  });

  describe('declined', () => {
    const given = spec.given([requested, declined]);

    it('ignores the same request again', () => {
      given.when(commands.request()).thenNothingHappened();
    });
    it('refuses a late authorization', () => {
      given.when(commands.authorized()).thenThrows(PaymentAlreadyDeclined);
    });
    it('ignores a repeated decline', () => {
      given.when(commands.declined()).thenNothingHappened();
    });
    it.each([
      ['capture', commands.capture('cap-1', 100)],
      ['void', commands.void('void-1')],
      ['refund', commands.refund('ref-1', 100)],
    ])('cannot %s', (_, command) => {
      given.when(command).thenThrows(PaymentNotAuthorized, { status: 'declined' });
    });
  });

  describe('authorized (100.00)', () => {
    const given = spec.given([requested, authorized]);

    it('ignores the same request again', () => {
      given.when(commands.request()).thenNothingHappened();
    });
    it('ignores a repeated authorization', () => {
      given.when(commands.authorized()).thenNothingHappened();
    });
    it('refuses a late decline', () => {
      given.when(commands.declined()).thenThrows(PaymentAlreadyAuthorized);
    });
    it('captures all', () => {
      given.when(commands.capture('cap-1', 10_000)).then([captured('cap-1', 10_000)]);
    });
    it('never captures more than authorized', () => {
      given.when(commands.capture('cap-1', 10_001)).thenThrows(InsufficientAuthorizedAmount, { requested: 10_001, remaining: 10_000 });
    });
    it('refuses another currency', () => {
      given.when(commands.capture('cap-1', 100, 'USD')).thenThrows(CurrencyMismatch);
    });
    it('refuses to reuse the authorization request id', () => {
      given.when(commands.capture('auth-1', 100)).thenThrows(RequestIdConflict);
    });
    it('voids all that is uncaptured', () => {
      given.when(commands.void('void-1')).then([voided('void-1', 10_000)]);
    });
    it('voids a part', () => {
      given.when(commands.void('void-1', 3_000)).then([voided('void-1', 3_000)]);
    });
    it('has nothing captured to refund', () => {
      given.when(commands.refund('ref-1', 1)).thenThrows(InsufficientCapturedAmount, { refundable: 0 });
    });
  });

  describe('60.00 captured', () => {
    const given = spec.given([requested, authorized, captured('cap-1', 6_000)]);

    it('ignores a repeated capture', () => {
      given.when(commands.capture('cap-1', 6_000)).thenNothingHappened();
    });
    it('refuses a repeated capture id with another amount', () => {
      given.when(commands.capture('cap-1', 5_000)).thenThrows(RequestIdConflict, { requestId: 'cap-1' });
    });
    it('refuses a capture id reused for a refund', () => {
      given.when(commands.refund('cap-1', 6_000)).thenThrows(RequestIdConflict);
    });
    it('captures the rest', () => {
      given.when(commands.capture('cap-2', 4_000)).then([captured('cap-2', 4_000)]);
    });
    it('not more', () => {
      given.when(commands.capture('cap-2', 4_001)).thenThrows(InsufficientAuthorizedAmount, { remaining: 4_000 });
    });
    it('voids only the uncaptured part', () => {
      given.when(commands.void('void-1')).then([voided('void-1', 4_000)]);
    });
    it('refuses to void captured money', () => {
      given.when(commands.void('void-1', 4_001)).thenThrows(InsufficientAuthorizedAmount);
    });
    it('refunds what was captured', () => {
      given.when(commands.refund('ref-1', 6_000)).then([refunded('ref-1', 6_000)]);
    });
    it('not more', () => {
      given.when(commands.refund('ref-1', 6_001)).thenThrows(InsufficientCapturedAmount, { requested: 6_001, refundable: 6_000 });
    });
  });

  describe('60.00 captured, 40.00 voided', () => {
    const given = spec.given([requested, authorized, captured('cap-1', 6_000), voided('void-1', 4_000)]);

    it('captures nothing more', () => {
      given.when(commands.capture('cap-2', 1)).thenThrows(InsufficientAuthorizedAmount, { remaining: 0 });
    });
    it('has nothing left to void', () => {
      given.when(commands.void('void-2')).thenThrows(NothingToVoid, { code: 'nothing_to_void' });
    });
    it('ignores a repeated void, with or without its amount', () => {
      given.when(commands.void('void-1')).thenNothingHappened();
      given.when(commands.void('void-1', 4_000)).thenNothingHappened();
    });
    it('refuses a repeated void id with another amount', () => {
      given.when(commands.void('void-1', 100)).thenThrows(RequestIdConflict);
    });
    it('refunds', () => {
      given.when(commands.refund('ref-1', 2_000)).then([refunded('ref-1', 2_000)]);
    });
  });

  describe('60.00 captured, 20.00 refunded', () => {
    const given = spec.given([requested, authorized, captured('cap-1', 6_000), refunded('ref-1', 2_000)]);

    it('ignores a repeated refund', () => {
      given.when(commands.refund('ref-1', 2_000)).thenNothingHappened();
    });
    it('refuses a repeated refund id with another amount', () => {
      given.when(commands.refund('ref-1', 3_000)).thenThrows(RequestIdConflict);
    });
    it('refunds the rest', () => {
      given.when(commands.refund('ref-2', 4_000)).then([refunded('ref-2', 4_000)]);
    });
    it('not more: refund ≤ captured − refunded', () => {
      given
        .when(commands.refund('ref-2', 4_001))
        .thenThrows(InsufficientCapturedAmount, { code: 'insufficient_captured_amount', refundable: 4_000 });
    });
    it('still captures and voids the uncaptured part', () => {
      given.when(commands.capture('cap-2', 4_000)).then([captured('cap-2', 4_000)]);
      given.when(commands.void('void-1')).then([voided('void-1', 4_000)]);
    });
  });
});
