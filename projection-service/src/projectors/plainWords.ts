import type { CancellationReason, DeclineReason, Money } from '@orderflow/schemas';

const fractionDigits = new Map<string, number>();

/** `{ amount: 5998, currency: 'EUR' }` → `59.98 EUR` (the currency's own number of decimals; 0 for JPY). */
export function formatMoney({ amount, currency }: Money): string {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigits.set(currency, digits);
  }
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
}

/** Why an order was cancelled, as a customer reads it: completes "Your order was cancelled because …". */
export const cancellationInWords: Readonly<Record<CancellationReason, string>> = {
  out_of_stock: 'an item was no longer in stock',
  payment_declined: 'the payment was declined',
  payment_timeout: 'the payment was not completed in time',
  customer_request: 'you asked us to cancel it',
  reservation_expired: 'the items could not be held for you any longer',
  operator: 'our team had to cancel it',
};

export const declineInWords: Readonly<Record<DeclineReason, string>> = {
  insufficient_funds: 'insufficient funds',
  card_declined: 'card declined',
  expired_card: 'card expired',
  authentication_required: 'authentication required',
  fraud_suspected: 'suspected fraud',
  gateway_error: 'payment provider error',
};
