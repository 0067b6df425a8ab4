import { TagsOutlined } from '@ant-design/icons';
import type { ConsoleArea } from '../../app/areas';

export const tagsArea: ConsoleArea = {
  key: 'tags',
  name: '标签',
  icon: <TagsOutlined />,
  order: 50,
  pages: [],
};
