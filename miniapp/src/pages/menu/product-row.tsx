import { Text, View } from '@tarojs/components';
import type { MenuProduct } from '../../api/catalogue';
import { memberPriceText, yuan } from '../../utils/format';
import { Stepper } from './stepper';

/** One product: sale price and member price (cash + points spent, or points given), emphasised by who is looking, and the stepper. */
export function ProductRow({
  product,
  isMember,
  quantity,
  onQuantity,
}: {
  product: MenuProduct;
  isMember: boolean;
  quantity: number;
  onQuantity: (q: number) => void;
}) {
  const memberPrice = memberPriceText(product);
  return (
    <View className='product-row'>
      <View className='product-row__tile'>
        <Text className='product-row__tile-text'>{product.name.slice(0, 1)}</Text>
      </View>
      <View className='product-row__info'>
        <Text className='product-row__name'>{product.name}</Text>
        {isMember && memberPrice ? (
          <View className='product-row__prices'>
            <Text className='price product-row__price'>{memberPrice}</Text>
            <Text className='price--struck product-row__list'>{yuan(product.priceFen)}</Text>
          </View>
        ) : (
          <View className='product-row__prices'>
            <Text className='price product-row__price'>{yuan(product.priceFen)}</Text>
          </View>
        )}
        {!isMember && memberPrice && <Text className='chip chip--gold product-row__member'>会员价 {memberPrice}</Text>}
      </View>
      <Stepper quantity={quantity} onChange={onQuantity} />
    </View>
  );
}
