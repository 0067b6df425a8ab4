/** Typed map of outbox events: the payload each event type carries. */
export interface EventMap {
  'customer.scanned': {
    customerId: number;
    qrCodeId: number;
    storeId: number;
    staffId: number | null;
    tagIds: number[];
    isNewFan: boolean;
    at: string;
  };
  'customer.became_member': { customerId: number; storeId: number | null; staffId: number | null; at: string };
  'customer.clerk_assigned': {
    customerId: number;
    fromStaffId: number | null;
    toStaffId: number;
    storeId: number;
    rule: string;
    at: string;
  };
  'points.changed': { customerId: number; delta: number; reason: string; balanceAfter: number; ledgerId: number };
}
export type EventType = keyof EventMap;

export interface DeliveredEvent<T extends EventType = EventType> {
  id: number;
  type: T;
  payload: EventMap[T];
  /** 1 on the first delivery. */
  attempt: number;
}
