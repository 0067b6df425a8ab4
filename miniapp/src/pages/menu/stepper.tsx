import { Text, View } from '@tarojs/components';
import { MAX_QUANTITY } from '../../cart/cart';

/** − n + ; only "+" while the quantity is 0, and "+" stops at the per-line maximum. */
export function Stepper({ quantity, onChange }: { quantity: number; onChange: (q: number) => void }) {
  return (
    <View className='stepper'>
      {quantity > 0 && (
        <>
          <View className='stepper__btn stepper__btn--minus' onClick={() => onChange(quantity - 1)}>
            <Text>−</Text>
          </View>
          <Text className='stepper__qty'>{quantity}</Text>
        </>
      )}
      <View
        className={`stepper__btn stepper__btn--plus ${quantity >= MAX_QUANTITY ? 'stepper__btn--disabled' : ''}`}
        onClick={() => quantity < MAX_QUANTITY && onChange(quantity + 1)}
      >
        <Text>+</Text>
      </View>
    </View>
  );
}
