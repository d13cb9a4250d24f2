"""The pipeline's stages. Document stages are callables ``Article -> Article``; corpus stages
have ``run(Iterable[Article]) -> Iterator[Article]``."""

from newsclean.stages.boilerplate import Boilerplate
from newsclean.stages.dedup import Dedup
from newsclean.stages.docdedup import DocDedup
from newsclean.stages.extract import Extract
from newsclean.stages.header import Header
from newsclean.stages.language import Language
from newsclean.stages.layout import CommentThread, MenuRow, NavigationHead, TeaserTail
from newsclean.stages.length import MinLength
from newsclean.stages.normalize import Normalize
from newsclean.stages.siterepeat import SiteRepeat

__all__ = ["Boilerplate", "CommentThread", "Dedup", "DocDedup", "Extract", "Header", "Language", "MenuRow", "MinLength", "NavigationHead", "Normalize", "SiteRepeat", "TeaserTail"]
