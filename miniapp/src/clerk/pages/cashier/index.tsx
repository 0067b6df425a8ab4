import { useEffect, useMemo, useState } from 'react';
import { View } from '@tarojs/components';
import { LoadingState } from '../../../components/state-view';
import { PAGES } from '../../../utils/nav';
import { commitSale, identifyMember, quoteSale } from '../../api/sales';
import { CashierFlow, newReceiptNo, type CashierState } from '../../cashier/cashier-flow';
import { describeSaleError } from '../../cashier/sale-errors';
import { useStaffGuard } from '../../hooks/use-staff-guard';
import { Basket } from './basket';
import { IdentifyCard } from './identify-card';
import { Receipt } from './receipt';
import './index.scss';

/**
 * 收银: the counter for stores without a POS integration. Identify the customer (member code scanned or typed, or
 * a phone number), pick the items, choose a coupon and points, confirm once the money is taken at the till, and
 * read the receipt. The server prices every step (the same use cases as the POS API, channel `clerk`); the logic
 * is `clerk/cashier/cashier-flow.ts`.
 */
export default function CashierPage() {
  const session = useStaffGuard(PAGES.clerkCashier);
  if (!session) return <View className='page'><LoadingState text='正在验证导购身份…' /></View>;
  return <Cashier />;
}

function Cashier() {
  const flow = useMemo(
    () => new CashierFlow({ identify: identifyMember, quote: quoteSale, commit: commitSale, newReceiptNo: () => newReceiptNo(), describe: (e) => describeSaleError(e) }),
    [],
  );
  const [state, setState] = useState<CashierState>(flow.current);
  useEffect(() => {
    const off = flow.subscribe(setState);
    return () => {
      off();
      flow.dispose();
    };
  }, [flow]);

  return (
    <View className={`page cashier-page ${state.step === 'basket' ? 'cashier-page--with-bar' : ''}`}>
      {state.step === 'identify' && <IdentifyCard state={state} onIdentify={(text) => void flow.identify(text)} />}
      {state.step === 'basket' && <Basket flow={flow} state={state} />}
      {state.step === 'receipt' && state.sale && <Receipt sale={state.sale} onNext={() => flow.next()} />}
    </View>
  );
}
